import { encode } from 'next-auth/jwt';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { jar } from '@/tests/helpers/cookie-jar';
import { uniqueEmail } from '@/tests/helpers/unique';

// Tester P (2026-12-08): a customer whose session had ended (expired, "Sign out everywhere" on
// another device, a login support disabled, a cookie no longer readable) opened the block page from a
// notice or refreshed an open tab, and landed on a bare "Sign in" with no word of why. The sign-in
// page now says so, read from the cookie the browser still sends (lib/auth/session-end.ts), never
// from the address; a browser with no session cookie (a new visitor) still gets the plain page.
// Through the real requireUser / requireStaff and the real sign-in page; next/headers is a cookie jar,
// next-intl/server the catalogue of the reader's language.

vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);
const reader = vi.hoisted(() => ({ locale: 'en' as 'en' | 'es' }));
vi.mock('next-intl/server', async (importOriginal) => {
  const { createTranslator } = await import('use-intl/core');
  const { CATALOGUES } = await import('@/lib/i18n/translate');
  return {
    ...(await importOriginal<object>()),
    getTranslations: async (namespace?: string) =>
      createTranslator({ locale: reader.locale, messages: CATALOGUES[reader.locale], namespace } as never),
  };
});

const { requireStaff, requireUser } = await import('@/lib/auth/session');
const { endedSession } = await import('@/lib/auth/session-end');
const { sessionCookieName } = await import('@/lib/auth/session-token');
const { default: SignInPage } = await import('@/app/sign-in/page');
const { getDb } = await import('@/lib/server/db');
const { CATALOGUES } = await import('@/lib/i18n/translate');
const { renderAsync } = await import('@/tests/helpers/intl-markup-async');
const { text } = await import('@/tests/helpers/intl-markup');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');

const HOUR = 3_600_000;
/** The cookie name this request reads (cookie-jar's headers carry no x-forwarded-proto). */
const COOKIE = sessionCookieName(null);

/** A login with one Session row (`token`), `hours` long, ending `endsIn` ms from now (negative: ended). */
async function login(
  opts: { role?: 'customer' | 'agent'; hours?: number; endsIn?: number; disabled?: boolean } = {},
) {
  const user = await getDb().user.create({
    data: { email: uniqueEmail('ended'), role: opts.role ?? 'customer', disabled: opts.disabled ?? false },
  });
  const expires = new Date(Date.now() + (opts.endsIn ?? HOUR));
  const sessionToken = `sid-${crypto.randomUUID()}`;
  await getDb().session.create({
    data: {
      sessionToken,
      userId: user.id,
      expires,
      createdAt: new Date(expires.getTime() - (opts.hours ?? 12) * HOUR),
    },
  });
  return { user, sessionToken };
}

/** Puts in the jar the session cookie Auth.js would write for `sid` (its JWT valid for an hour more). */
async function holdCookie(sid: string) {
  jar.set(
    COOKIE,
    await encode({ token: { sub: 'u', sid }, secret: process.env.AUTH_SECRET!, salt: COOKIE, maxAge: 3600 }),
  );
}

/** Where the redirect Next threw (NEXT_REDIRECT) sends the browser. */
async function redirectOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  const digest = String((e as { digest?: string } | null)?.digest ?? e);
  expect(digest).toMatch(/^NEXT_REDIRECT;/);
  return digest.split(';')[2];
}

/** The sign-in page as `locale` reads it: its whole text and its status region's (null: none). */
async function signInPage(query: Record<string, string> = {}, locale: 'en' | 'es' = 'en') {
  reader.locale = locale;
  const html = await renderAsync(await SignInPage({ searchParams: Promise.resolve(query) }), locale);
  const status = /<p role="status"[^>]*>([\s\S]*?)<\/p>/.exec(html);
  return { html, text: text(html), status: status ? text(status[1]).trim() : null };
}

const en = CATALOGUES.en.signIn;
const es = CATALOGUES.es.signIn;

describe.each(dialects())('a session that ended is said on the sign-in page, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => {
    jar.clear();
    reader.locale = 'en';
  });

  it('no session cookie at all (a new visitor): the plain sign-in page, with no notice', async () => {
    expect(await redirectOf(requireUser('/blocks/b1'))).toBe('/sign-in?callbackUrl=%2Fblocks%2Fb1');
    expect(await endedSession()).toBeNull();
    const page = await signInPage({ callbackUrl: '/blocks/b1' });
    expect(page.status).toBeNull();
    expect(page.text).not.toMatch(/session/i);
    expect((await signInPage({}, 'es')).status).toBeNull();
  });

  it('a session ended elsewhere (its row deleted: sign out everywhere, a disabled login): says so, in English and Spanish', async () => {
    const { user, sessionToken } = await login();
    await holdCookie(sessionToken);
    expect((await requireUser('/blocks/b2')).id).toBe(user.id); // signed in until it is revoked
    await getDb().session.deleteMany({ where: { userId: user.id } });
    // The same address a new visitor gets: nothing about the session in the URL.
    expect(await redirectOf(requireUser('/blocks/b2'))).toBe('/sign-in?callbackUrl=%2Fblocks%2Fb2');
    expect((await signInPage({ callbackUrl: '/blocks/b2' })).status).toBe(en.sessionRevoked);
    expect((await signInPage({ callbackUrl: '/blocks/b2' }, 'es')).status).toBe(es.sessionRevoked);
    expect(en.sessionRevoked).toMatch(
      /^Your session has ended: .*another browser or device.* Sign in to continue\.$/,
    );
  });

  it('an expired session: says that it expired, after how many hours', async () => {
    const { sessionToken } = await login({ hours: 12, endsIn: -60_000 });
    await holdCookie(sessionToken);
    expect(await redirectOf(requireUser('/'))).toBe('/sign-in?callbackUrl=%2F');
    expect(await endedSession()).toEqual({ why: 'expired', hours: 12 });
    expect((await signInPage()).status).toBe(
      'Your session has ended: it expired 12 hours after you signed in. Sign in to continue.',
    );
    expect((await signInPage({}, 'es')).status).toBe(
      'Su sesión ha terminado: caducó 12 horas después de iniciarla. Inicie sesión para continuar.',
    );
  });

  it('a cookie that does not decrypt (garbage, cut short, an old secret): "Your session has ended", no reason', async () => {
    jar.set(COOKIE, 'garbage.not-a-jwe');
    expect(await redirectOf(requireUser('/blocks/b3'))).toBe('/sign-in?callbackUrl=%2Fblocks%2Fb3');
    expect((await signInPage()).status).toBe('Your session has ended. Sign in to continue.');
    expect((await signInPage({}, 'es')).status).toBe('Su sesión ha terminado. Inicie sesión para continuar.');
    // Chunked as Auth.js splits a long cookie: the same.
    jar.clear();
    jar.set(`${COOKIE}.0`, 'garbage');
    expect((await signInPage()).status).toBe(en.sessionEnded);
    // Another cookie of the site, not the session's: a new visitor.
    jar.clear();
    jar.set('tollgate-locale', 'es');
    jar.set(`${COOKIE}-other`, 'garbage');
    expect((await signInPage()).status).toBeNull();
  });

  it('a disabled login whose row remains: the session has ended, without saying why', async () => {
    const { sessionToken } = await login({ disabled: true });
    await holdCookie(sessionToken);
    expect(await redirectOf(requireUser('/'))).toBe('/sign-in?callbackUrl=%2F');
    expect((await signInPage()).status).toBe(en.sessionEnded);
  });

  it('staff: /staff with an ended session lands on sign-in, which says so', async () => {
    const { user, sessionToken } = await login({ role: 'agent' });
    await holdCookie(sessionToken);
    await getDb().session.deleteMany({ where: { userId: user.id } });
    expect(await redirectOf(requireStaff())).toBe('/sign-in?callbackUrl=%2Fstaff');
    expect((await signInPage({ callbackUrl: '/staff' })).status).toBe(en.sessionRevoked);
  });

  it('what the address asks for wins (a link refused, signed out, a link sent); a made-up query says nothing', async () => {
    jar.set(COOKIE, 'garbage');
    expect((await signInPage({ error: 'Verification' })).status).toBe(en.linkInvalid);
    expect((await signInPage({ signedOut: '1' })).status).toBe(en.signedOut);
    const sent = await signInPage({ linkSent: '1' });
    expect(sent.status).toBeNull();
    expect(sent.text).toContain(en.linkSent);
    // A stranger's link cannot make a browser without the cookie read that its session ended.
    jar.clear();
    const madeUp: Record<string, string>[] = [
      { error: 'SessionRequired' },
      { ended: 'revoked' },
      { why: 'expired', hours: '1' },
    ];
    for (const query of madeUp) expect((await signInPage(query)).status).toBeNull();
  });

  it('the callbackUrl keeps its validation: an outside address is not kept beside the notice', async () => {
    jar.set(COOKIE, 'garbage');
    const page = await signInPage({ callbackUrl: 'https://evil.example/steal' });
    expect(page.status).toBe(en.sessionEnded);
    expect(page.html).not.toContain('evil.example');
  });

  it('a session still valid is not "ended": the page sends it on, as before', async () => {
    const { sessionToken } = await login();
    await holdCookie(sessionToken);
    expect(await endedSession()).toBeNull();
    expect(await redirectOf(signInPage({ callbackUrl: '/blocks/b4' }))).toBe('/blocks/b4');
  });
});
