import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExplanationText } from '@/components/block/explanation';
import { ResetForm, type ResetAnswer } from '@/components/sip/reset-form';
import { UnsettledLine, UnsettledNotice } from '@/components/sip/unsettled';
import { listAccountsForUser } from '@/lib/accounts/queries';
import { getBlockForUser } from '@/lib/blocks/queries';
import { nextCredentialToChange } from '@/lib/credentials/next-to-change';
import { latestChange } from '@/lib/credentials/reset';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { renderAnswered, resetForm } from '@/tests/helpers/posted-form';

// What the customer is told next, where today's builders left it (2026-12-07):
// - after the switch answered a SIP password change with a 500, the reset page (after a reload) and
//   the dashboard said it "got no answer", which is not true of an answer;
// - a block being lifted still read "They will decide when it is lifted" (support's own block, after
//   support had lifted it);
// - after a password was set, "Done" went back to the block page, where a PBX owner with many
//   credentials hunted for the next one to change.

type Locale = 'en' | 'es';

/** `node` as a page renders it for a reader of `locale` (in UTC): its words, tags removed. */
function words(node: ReactNode, locale: Locale = 'en') {
  const html = renderToStaticMarkup(
    h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
  );
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
}

/** An account with `n` SIP credentials and a block whose calls went through the first `named` of them. */
async function blocked(n: number, named: number, reason: BlockReason = 'high_risk_destination') {
  const { account, users, creds } = await makeAccount({
    credentials: Array.from({ length: n }, (_, i) => `next-${crypto.randomUUID().slice(0, 8)}-${i}`),
  });
  // By username, as the block page lists them (the random stems do not sort in creation order).
  creds.sort((a, b) => a.username.localeCompare(b.username));
  const block = await makeBlock(account.id, {
    reason,
    placedAt: new Date(Date.now() - 3600_000),
    calls: creds.slice(0, named).map((c) => ({ sipUsername: c.username })),
  });
  return { account, member: users[0]!, creds, block };
}

/** `credential`'s password changed after `block` reached the portal (or, `before`, just before). */
const rotate = (credential: { id: string }, block: { createdAt: Date }, before = false) =>
  getDb().sipCredential.update({
    where: { id: credential.id },
    data: { passwordChangedAt: new Date(block.createdAt.getTime() + (before ? -1000 : 60_000)) },
  });

/** What a 500 from the switch leaves on a change (lib/switch/error-text.ts storedSwitchError). */
const ERROR_500 = 'simulated_failure: HTTP 500 simulated failure';
/** What a timeout leaves. */
const TIMEOUT = 'timeout: no answer within 5000 ms';

describe.each(dialects())('the customer’s next steps, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('after an error answer, the reset page and the dashboard say the switch answered with an error', async () => {
    const { account, member, creds } = await blocked(2, 2);
    const db = getDb();
    const [erred, timedOut] = creds;
    await db.sipPasswordChange.create({
      data: { credentialId: erred!.id, userId: member.id, score: 4, status: 'unknown', error: ERROR_500 },
    });
    await db.sipPasswordChange.create({
      data: { credentialId: timedOut!.id, userId: member.id, score: 4, status: 'unknown', error: TIMEOUT },
    });

    const error = (await latestChange(erred!.id)).unsettled!;
    const silence = (await latestChange(timedOut!.id)).unsettled!;
    expect(error).toMatchObject({ kind: 'unknown', cause: 'error_answer' });
    expect(silence).toMatchObject({ kind: 'unknown', cause: 'no_answer' });

    const page = (u: typeof error, locale: Locale) => words(h(UnsettledNotice, { unsettled: u }), locale);
    expect(page(error, 'en')).toMatch(
      /^Our phone system answered a change of this password on .+ with an error, so we do not know whether it took that password/,
    );
    expect(page(error, 'en')).not.toContain('no answer');
    expect(page(error, 'es')).toMatch(
      /^Nuestra central respondió con un error a un cambio de esta contraseña hecho el .+, así que no sabemos/,
    );
    expect(page(silence, 'en')).toMatch(
      /^A change of this password on .+ got no answer from our phone system\./,
    );
    expect(page(silence, 'es')).toContain('no recibió respuesta de nuestra central');

    // The dashboard's line under each credential, from the same summary read the dashboard makes.
    const [summary] = await listAccountsForUser(member.id);
    expect(summary!.id).toBe(account.id);
    const cause = (id: string) => summary!.credentials.find((c) => c.id === id)!;
    expect(cause(erred!.id)).toMatchObject({ unsettled: true, unsettledCause: 'error_answer' });
    expect(cause(timedOut!.id)).toMatchObject({ unsettled: true, unsettledCause: 'no_answer' });
    const line = (c: 'error_answer' | 'no_answer', locale: Locale) =>
      words(h(UnsettledLine, { cause: c }), locale);
    expect(line('error_answer', 'en')).toBe(
      'Our phone system answered a change of this password with an error, so this may not be the password in force.',
    );
    expect(line('error_answer', 'es')).toBe(
      'Nuestra central respondió con un error a un cambio de esta contraseña, así que puede que esta no sea la contraseña en vigor.',
    );
    expect(line('no_answer', 'en')).toBe(translator('en')('dashboard.unsettled'));
  });

  it('says a block being lifted is on its way to our phone system, for every reason', async () => {
    for (const reason of [
      'manual',
      'high_risk_destination',
      'hotspot_source_ip',
      'suspicious_pattern',
    ] as const) {
      const { member, block } = await blocked(1, 1, reason);
      expect(await decideLift([block])).toMatchObject({ ok: true });
      const view = (await getBlockForUser(member.id, block.id))!;
      expect(view.status).toBe('lift_pending');
      for (const [locale, onItsWay, decide] of [
        ['en', 'This block is being lifted: the lift is on its way to our phone system.', 'decide when'],
        [
          'es',
          'Este bloqueo se está levantando: el levantamiento está en camino a nuestra central.',
          'decidirá',
        ],
      ] as const) {
        const text = words(h(ExplanationText, { block: view, needsPerson: false }), locale);
        expect(text, `${reason} ${locale}`).toContain(onItsWay);
        expect(text, `${reason} ${locale}`).not.toContain(decide);
        // Why it was placed, in the past: the block's story, not a step to take.
        expect(text, `${reason} ${locale}`).toContain(
          translator(locale)('block.explain.placedBecause', { reason }),
        );
      }
    }
  });

  it('offers the block’s next credential still to change, by the block page’s order, until none is left', async () => {
    const { member, creds, block } = await blocked(4, 3);
    const [a, b, c, unnamed] = creds;
    const next = (current: { id: string }) => nextCredentialToChange(member.id, block.id, current.id);
    // Changing the first: the second is next; the fourth, which no call named, never is.
    expect(await next(a!)).toEqual({ id: b!.id, username: b!.username, label: b!.label });
    // The one being changed is never its own next, even before its change is recorded.
    expect(await next(b!)).toMatchObject({ id: a!.id });
    await rotate(a!, block);
    await rotate(b!, block);
    expect(await next(b!)).toMatchObject({ id: c!.id });
    // A password set before the block reached the portal does not count (lib/blocks/rotation.ts).
    await rotate(c!, block, true);
    expect(await next(b!)).toMatchObject({ id: c!.id });
    await rotate(c!, block);
    expect(await next(c!)).toBeNull();
    expect(await next(unnamed!)).toBeNull();
  });

  it('offers none for a lifted block, nor for a block of someone else’s account', async () => {
    const { member, creds, block } = await blocked(2, 2);
    const stranger = await makeAccount();
    expect(await nextCredentialToChange(stranger.users[0]!.id, block.id, creds[0]!.id)).toBeNull();
    expect(await nextCredentialToChange(member.id, block.id, creds[0]!.id)).toMatchObject({
      id: creds[1]!.id,
    });
    await getDb().block.update({ where: { id: block.id }, data: { status: 'lifted', liftedAt: new Date() } });
    expect(await nextCredentialToChange(member.id, block.id, creds[0]!.id)).toBeNull();
  });
});

describe('the SIP password form’s success', () => {
  const t = translator('en');
  const success = {
    ok: true,
    message: t('reset.updated'),
    data: { liftQueued: false, password: 'Zr5-Kq8vT2mWx9bN4pLs7Yd' },
  };
  const withNext =
    (next: { href: string; label: string } | null) => (action: Parameters<typeof resetForm>[0]) =>
      h(ResetForm, { ...(resetForm(action).props as Parameters<typeof ResetForm>[0]), next });

  it('links on to the next credential by its name, without JavaScript too, beside Done', async () => {
    const label = t('reset.next', { name: 'Reception desk phone' });
    expect(label).toBe('Next: change the password of Reception desk phone');
    expect(translator('es')('reset.next', { name: 'Teléfono de recepción' })).toBe(
      'Siguiente: cambie la contraseña de Teléfono de recepción',
    );
    const html = await renderAnswered<ResetAnswer>(
      withNext({ href: '/credentials/c2/reset?block=b1', label }),
      success,
    );
    expect(html).toMatch(
      /<a [^>]*href="\/credentials\/c2\/reset\?block=b1"[^>]*>Next: change the password of Reception desk phone<\/a>/,
    );
    expect(html).toMatch(/<a [^>]*href="\/blocks\/b1"[^>]*>Done<\/a>/);
  });

  it('offers only Done when every credential is changed', async () => {
    const html = await renderAnswered<ResetAnswer>(withNext(null), success);
    expect(html).not.toContain('Next:');
    expect(html).toMatch(/<a [^>]*href="\/blocks\/b1"[^>]*>Done<\/a>/);
  });
});
