import crypto from 'node:crypto';
import { createElement as h } from 'react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import type { CurrentUser } from '@/lib/auth/session';
import type { FormAction } from '@/components/ui/action-form';
import { getDb } from '@/lib/server/db';
import { form, session } from '@/tests/helpers/action-edge';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeSession } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { renderAnswered, resetForm } from '@/tests/helpers/posted-form';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// The two password forms as a browser without JavaScript posts them (accessibility test, finding 2):
// a plain FormData with the form's fields, to the real actions, on a real database of each dialect and
// the switch simulator; then the page the server renders with the answer. The SIP password comes back
// once, in the page that answers a success, and in no refusal; the portal password never comes back.

// Next's revalidatePath works only inside a request (the password change calls it): here it does nothing.
vi.mock('next/cache', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  revalidatePath: () => {},
}));

const { resetSipAction } = await import('@/lib/credentials/actions');
const { changePasswordAction } = await import('@/lib/auth/actions');
const { ChangePasswordForm } = await import('@/components/change-password-form');

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const strong = () => `Zr5-${crypto.randomBytes(12).toString('base64url')}`;
/** How many times `text` occurs in `html`. */
const count = (html: string, text: string) => html.split(text).length - 1;

/** A member of an account whose first credential the switch knows with `old-password-0`. */
async function member() {
  const made = await makeAccount({ members: [uniqueEmail('plain')] });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  session.user = asUser(made.users[0]!);
  const cred = made.creds[0]!;
  const inForce = async (password: string) =>
    (await sim.control('POST', '/_sim/check-password', { username: cred.username, password })).body
      .matches as boolean;
  return { cred, inForce };
}

/** The reset form's fields as a browser posts them: `shownBy` as the server rendered it, unless given. */
const resetPost = (credentialId: string, password: string, shownBy: string | null = 'page') =>
  form({
    credentialId,
    password,
    idempotencyKey: crypto.randomUUID(),
    ...(shownBy === null ? {} : { shownBy }),
  });

describe.each(dialects())('the password forms posted without JavaScript on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => {
    session.user = null;
  });

  it('the SIP password: the page that answers a success shows it once; a post from the script gets none back', async () => {
    const { cred, inForce } = await member();
    const password = strong();
    const r = await resetSipAction(undefined, resetPost(cred.id, password));
    expect(r).toMatchObject({ ok: true, message: 'Password updated', data: { liftQueued: false, password } });
    expect(await inForce(password)).toBe(true);
    const page = await renderAnswered(resetForm, r);
    expect(count(page, password)).toBe(1);
    expect(page).toContain('Password updated');

    // Sent by the page's script (`browser`), without the field (a page rendered before it), or with
    // anything else in it: the browser shows the password from its own memory, and none comes back.
    for (const shownBy of ['browser', null, 'everyone']) {
      const next = strong();
      const answer = await resetSipAction(undefined, resetPost(cred.id, next, shownBy));
      expect(answer, String(shownBy)).toMatchObject({ ok: true, data: { liftQueued: false } });
      expect(JSON.stringify(answer)).not.toContain(next);
      expect(await inForce(next)).toBe(true);
    }
  });

  it('the SIP password: every refusal the server makes comes back with its reasons and without the password', async () => {
    const { cred, inForce } = await member();
    // Strong to the eye, refused by the server: a character a SIP password may not hold, a letter
    // outside A–Z, the credential's own username, and one the switch itself refuses.
    const refused = [
      { password: `${strong()}:${strong()}`, field: true },
      { password: `${strong()}ñ${strong()}`, field: true },
      { password: `${cred.username}-${cred.username}-7`, field: true },
      { password: 'acmedental1', field: true },
      { password: strong(), field: false, switchSays: 422 },
    ];
    for (const { password, field, switchSays } of refused) {
      if (switchSays)
        await sim.control('PUT', `/_sim/faults/${encodeURIComponent(cred.username)}`, {
          failNext: 1,
          failStatus: switchSays,
          method: 'PUT',
        });
      const r = await resetSipAction(undefined, resetPost(cred.id, password));
      expect(r.ok, password).toBe(false);
      expect(JSON.stringify(r), password).not.toContain(password);
      expect(!!r.fieldErrors?.password?.length, password).toBe(field);
      const page = await renderAnswered(resetForm, r);
      expect(page, password).not.toContain(password);
      // The reasons are on the page: at the field, or in the live region.
      for (const words of field ? r.fieldErrors!.password! : [r.message!])
        expect(page, password).toContain(words.replaceAll('"', '&quot;').replaceAll("'", '&#x27;'));
      expect(await inForce(password)).toBe(false);
    }
    expect(await inForce('old-password-0')).toBe(true);
  });

  it('the portal password: a plain post is judged by the server, and no password comes back in a refusal', async () => {
    const CURRENT = 'current-horse-battery-9';
    const NEXT = 'granite violet harbour lantern 7731';
    const u = await getDb().user.create({
      data: { email: uniqueEmail('plain'), role: 'customer', passwordHash: await hashPassword(CURRENT) },
    });
    const me: CurrentUser = asUser(u, { sessionId: (await makeSession(u.id)).id });
    session.user = me;
    const post = (current: string, next: string) =>
      form({ current, next, idempotencyKey: crypto.randomUUID(), pageLanguage: '' });
    const page = (answer: Awaited<ReturnType<typeof changePasswordAction>>) =>
      renderAnswered(
        (action: FormAction) =>
          h(ChangePasswordForm, { action, userInputs: [u.email], minScore: 3, idempotencyKey: 'k' }),
        answer,
      );

    const wrong = await changePasswordAction(undefined, post('wrong-horse-battery-1', NEXT));
    expect(wrong).toMatchObject({ ok: false, message: 'The current password is not correct.' });
    const weak = await changePasswordAction(undefined, post(CURRENT, 'password123'));
    expect(weak).toMatchObject({ ok: false, fieldErrors: { next: expect.any(Array) } });
    for (const [answer, typed] of [
      [wrong, ['wrong-horse-battery-1', NEXT]],
      [weak, [CURRENT, 'password123']],
    ] as const) {
      for (const p of typed) {
        expect(JSON.stringify(answer)).not.toContain(p);
        expect(await page(answer)).not.toContain(p);
      }
    }
    expect(await page(weak)).toContain(weak.fieldErrors!.next![0]!.replaceAll("'", '&#x27;'));

    const done = await changePasswordAction(undefined, post(CURRENT, NEXT));
    expect(done).toMatchObject({
      ok: true,
      message: 'Your password was changed. Every other session was signed out.',
    });
    expect(await page(done)).toContain('Your password was changed.');
    expect(await page(done)).not.toContain(NEXT);
    expect(
      await verifyPassword(
        (await getDb().user.findUniqueOrThrow({ where: { id: me.id } })).passwordHash,
        NEXT,
      ),
    ).toBe(true);
  });
});
