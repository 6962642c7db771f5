import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form, session } from '@/tests/helpers/action-edge';
import { browser } from '@/tests/helpers/browser-edge';
import { dialects, pointDbAt } from '@/tests/helpers/db';
import { linkBindCookie } from '@/lib/auth/link-binding';
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/i18n/error-text';

// The forms of someone not signed in (password sign-in, "email me a link", a sign-in link's
// Continue) and the link's page, while the database cannot be used (docs/operations.md, "When the
// database stops answering"): each form says that sending it changed nothing and keeps the address
// typed, as a signed-in form does (lib/server/safe-action.ts guestForm), and the link's page is the
// outage page with its 503 (the error's digest), not a 500 with "something went wrong". A customer
// following a block notice's link in a mass fraud wave, when the database is most likely to be
// overloaded, is who meets this. The database below is really not there: no file's directory on
// SQLite, no server on the port on PostgreSQL.

const { continueLinkAction, emailLinkAction, signInAction, signInFormAction } =
  await import('@/lib/auth/actions');
const { bindingProof, linkOwner } = await import('@/lib/auth/link-sign-in');

const UNAVAILABLE = {
  sqlite: 'file:/no-such-tollgate-directory/tollgate.db',
  postgresql: 'postgresql://postgres@127.0.0.1:1/postgres',
} as const;
const SAID =
  'The portal cannot reach its records just now, so sending this form changed nothing. Try again in a minute; contact support if it lasts.';
const SAID_ES =
  'El portal no puede leer sus propios datos en este momento, así que enviar este formulario no ha cambiado nada. Vuelva a intentarlo en un minuto; si persiste, contacte con soporte.';
const TOKEN = 'a'.repeat(64);

describe.each(dialects())('forms of someone not signed in, the %s database unavailable', (dialect) => {
  let saved: string | undefined;
  beforeAll(async () => {
    saved = process.env.DATABASE_URL;
    session.user = null;
    await pointDbAt(UNAVAILABLE[dialect]);
  });
  afterAll(async () => {
    browser.acceptLanguage = null;
    browser.cookies = {};
    await pointDbAt(saved);
  });

  it('password sign-in and "email me a link" say nothing changed, and keep the address', async () => {
    const email = 'outage-guest@t.example';
    const password = 'Palermo-drill-tide-2026!';
    expect(await signInAction(undefined, form({ email, password, callbackUrl: '/' }))).toEqual({
      ok: false,
      message: SAID,
      values: { email },
    });
    expect(await emailLinkAction(undefined, form({ email, callbackUrl: '/' }))).toEqual({
      ok: false,
      message: SAID,
      values: { email },
    });
    // The form's one action puts it by the button pressed; in this browser's language.
    browser.acceptLanguage = 'es-MX,es;q=0.9';
    expect(await signInFormAction(undefined, form({ email, intent: 'link', callbackUrl: '/' }))).toEqual({
      ok: false,
      message: SAID_ES,
      values: { email },
      data: { intent: 'link' },
    });
    browser.acceptLanguage = null;
  });

  it('a sign-in link: its page is the outage page (503), its Continue says nothing changed', async () => {
    await expect(linkOwner(TOKEN)).rejects.toMatchObject({ digest: DATABASE_UNAVAILABLE_DIGEST });
    const bind = 'bind-cookie-of-this-browser';
    browser.cookies = { [linkBindCookie(TOKEN)]: bind };
    expect(
      await continueLinkAction(
        undefined,
        form({ token: TOKEN, proof: bindingProof(bind, TOKEN), callbackUrl: '/' }),
      ),
    ).toEqual({ ok: false, message: SAID });
    browser.cookies = {};
  });
});
