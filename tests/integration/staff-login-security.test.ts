import crypto from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { EDGE_META, form, rendered, session } from '@/tests/helpers/action-edge';
import { jar } from '@/tests/helpers/cookie-jar';
import { uniqueEmail } from '@/tests/helpers/unique';

// The security edges of managing staff logins (review of 2026-12-05): a second factor reset by an
// admin (/staff/users) or by the operator CLI is mailed to the login's owner, in the reset's
// transaction; disabling, enabling, a role change and a reset each need a reason, kept in the audit
// row; enabling removes the password unless the admin unticks it, as a customer login's enabling does.
// The admin's forms go through the real action wrapper (role, zod, echo, idempotency key).

vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { changeRoleAction, resetFactorAction, setDisabledAction } = await import('@/lib/staff/actions');
const { resetSecondFactor } = await import('@/lib/accounts/commands');
const { attemptSignIn } = await import('@/lib/auth/sign-in');
const { hashPassword } = await import('@/lib/auth/password');
const { renderMessage } = await import('@/lib/mail/render');
const { getDb } = await import('@/lib/server/db');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { makeAccount, makeSession, makeStaff } = await import('@/tests/helpers/factory');

const PASSWORD = 'correct horse battery staple 42';
const META = { ip: '192.0.2.81', userAgent: 'vitest' };
const REASON = 'Lost phone and codes; confirmed on a video call';
const TOO_SHORT = 'Give a reason of at least 5 characters: why, and on whose word.';

/** A staff login with a password, a second factor, recovery codes and a live session. */
async function staffWithAccess(locale: 'en' | 'es' = 'en') {
  const db = getDb();
  const u = await makeStaff({ role: 'agent', locale });
  await db.user.update({
    where: { id: u.id },
    data: { passwordHash: await hashPassword(PASSWORD), totpSecret: 'sealed' },
  });
  await db.recoveryCode.create({ data: { userId: u.id, codeHash: crypto.randomUUID() } });
  await makeSession(u.id, { mfaVerified: true });
  return u;
}

/** The security_change rows queued to `email`, with their payloads read. */
async function securityMails(email: string) {
  const rows = await getDb().mailMessage.findMany({
    where: { to: email, template: 'security_change' },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((r) => ({ row: r, payload: JSON.parse(r.payload) as Record<string, unknown> }));
}

/** The one message `row` renders to (subject and text), or a failure naming why not. */
async function words(row: Parameters<typeof renderMessage>[0]) {
  const r = await renderMessage(row, new Date());
  if (!r.ok) throw new Error(`not rendered: ${JSON.stringify(r)}`);
  return { subject: r.mail.subject, text: r.mail.text };
}

const detailOf = async (action: string, targetId: string) =>
  JSON.parse(
    (await getDb().auditLog.findFirstOrThrow({ where: { action, targetId }, orderBy: { at: 'desc' } }))
      .detail!,
  ) as Record<string, unknown>;

describe.each(dialects())('staff logins’ security edges on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  beforeEach(() => {
    session.user = null;
    jar.clear();
  });

  it('an admin’s Reset two-factor mails the login’s owner who did it and when, once, with no address or name of staff', async () => {
    const db = getDb();
    const admin = await makeStaff({ role: 'admin' });
    session.user = admin;
    const lost = await staffWithAccess();
    const sent = rendered({ userId: lost.id, reason: `  ${REASON} ` });
    expect(await resetFactorAction(undefined, sent)).toMatchObject({ ok: true });
    const mails = await securityMails(lost.email);
    expect(mails.map((m) => m.payload)).toEqual([
      { userId: lost.id, change: 'mfa_reset_by_support', at: expect.any(String), ip: null },
    ]);
    const { subject, text } = await words(mails[0]!.row);
    expect(subject).toMatch(/^Support reset two-factor authentication for your .*login$/);
    expect(text).toContain('Support reset the two-factor authentication of your login on ');
    expect(text).toContain('its password was replaced with a new one that support gives you');
    expect(text).toContain('If you did not ask for this, someone may have asked support in your name');
    // Who is "support": never the admin's address, nor the address the admin worked from.
    expect(text).not.toContain(admin.email);
    expect(text).not.toContain(EDGE_META.ip);
    expect(text).not.toContain('If that was you, there is nothing to do.');
    // The reason, trimmed, is in the audit row beside what the reset did.
    expect(await detailOf('staff_user.second_factor_reset', lost.id)).toMatchObject({
      email: lost.email,
      reason: REASON,
      passwordReplaced: true,
    });
    // The same form sent again (its answer lost): told it was done; no second reset, no second mail.
    expect((await resetFactorAction(undefined, sent)).message).toMatch(/was reset at .+, when this form/);
    expect(await securityMails(lost.email)).toHaveLength(1);
    // Without a reason: refused at the field, nothing reset and nothing mailed.
    const other = await staffWithAccess();
    expect(await resetFactorAction(undefined, rendered({ userId: other.id, reason: 'lost' }))).toMatchObject({
      fieldErrors: { reason: [TOO_SHORT] },
      values: { reason: 'lost' },
    });
    expect((await db.user.findUniqueOrThrow({ where: { id: other.id } })).totpEnabledAt).not.toBeNull();
    expect(await securityMails(other.email)).toEqual([]);
  });

  it('the operator’s reset-second-factor mails the owner too, in their language; a reset that writes nothing mails nothing', async () => {
    const db = getDb();
    const { users } = await makeAccount({ members: [uniqueEmail('c', 'cust.example')] });
    const owner = await db.user.update({
      where: { id: users[0]!.id },
      data: { locale: 'es', totpSecret: 'sealed', totpEnabledAt: new Date() },
    });
    expect(
      await resetSecondFactor(db, { email: owner.email, reason: 'Owner verified by a callback' }),
    ).toMatchObject({ email: owner.email });
    const mails = await securityMails(owner.email);
    expect(mails.map((m) => m.payload)).toEqual([
      { userId: owner.id, change: 'mfa_reset_by_operator', at: expect.any(String), ip: null },
    ]);
    const { subject, text } = await words(mails[0]!.row);
    expect(subject).toMatch(/^Un operador restableció la autenticación de doble factor de su acceso/);
    expect(text).toContain('Un operador del equipo de soporte restableció la autenticación de doble factor');
    expect(text).toContain('Su contraseña no ha cambiado');
    expect(text).toContain('Si usted no lo pidió');
    expect(text).not.toContain('operator-cli');
    // Nothing left to reset: the command refuses, and no second mail goes.
    await expect(
      resetSecondFactor(db, { email: owner.email, reason: 'Owner verified by a callback' }),
    ).rejects.toThrow('no second factor to reset');
    expect(await securityMails(owner.email)).toHaveLength(1);
  });

  it('disable, enable, a role change and a reset each need a reason of 5 to 500 characters, kept in the audit row', async () => {
    const db = getDb();
    session.user = await makeStaff({ role: 'admin' });
    const target = await staffWithAccess();
    const posts = [
      ['staff_user.role_changed', changeRoleAction, { userId: target.id, role: 'admin' }],
      ['staff_user.disabled', setDisabledAction, { userId: target.id, disabled: 'true' }],
      ['staff_user.enabled', setDisabledAction, { userId: target.id, disabled: 'false' }],
      ['staff_user.second_factor_reset', resetFactorAction, { userId: target.id }],
    ] as const;
    for (const [action, post, fields] of posts) {
      const send = (reason?: string) =>
        post(undefined, rendered({ ...fields, ...(reason === undefined ? {} : { reason }) }));
      // Blank or too short: the customer-login forms' message; too long: the wrapper's; none at all
      // (a form of before the field): refused at the field as well.
      for (const reason of ['      ', 'ok'])
        expect((await send(reason)).fieldErrors, `${action} ${reason}`).toEqual({ reason: [TOO_SHORT] });
      expect((await send()).fieldErrors?.reason, action).toHaveLength(1);
      expect((await send('x'.repeat(501))).fieldErrors).toEqual({ reason: ['Use at most 500 characters.'] });
      expect(await db.auditLog.count({ where: { action, targetId: target.id } })).toBe(0);
      const why = `${action}: ${REASON}`;
      expect(await send(why), action).toMatchObject({ ok: true });
      expect(await detailOf(action, target.id)).toMatchObject({ email: target.email, reason: why });
    }
    expect(await detailOf('staff_user.role_changed', target.id)).toMatchObject({
      from: 'agent',
      to: 'admin',
    });
  });

  // A staff login is disabled most often because someone else may have its password; enabling it with
  // that password let them back in. As for a customer login, "Also remove the portal password" is
  // ticked at first: only an emailed link then signs in, and the owner is told so.
  it('enabling a staff login removes its password unless unticked; the old one opens nothing; the owner is mailed which', async () => {
    const db = getDb();
    session.user = await makeStaff({ role: 'admin' });
    const [cleared, kept] = [await staffWithAccess(), await staffWithAccess()];
    for (const u of [cleared, kept])
      expect(
        await setDisabledAction(undefined, form({ userId: u.id, disabled: 'true', reason: REASON })),
      ).toMatchObject({ ok: true });

    const enable = (userId: string, extra: Record<string, string>) =>
      setDisabledAction(undefined, form({ userId, disabled: 'false', reason: REASON, ...extra }));
    expect(await enable(cleared.id, { clearPassword: 'on' })).toEqual({
      ok: true,
      message: `${cleared.email} can sign in again, with an emailed link: its password was removed, and they choose a new one on their profile page.`,
    });
    expect(await db.user.findUniqueOrThrow({ where: { id: cleared.id } })).toMatchObject({
      disabled: false,
      passwordHash: null,
    });
    expect(await detailOf('staff_user.enabled', cleared.id)).toMatchObject({
      reason: REASON,
      passwordCleared: true,
    });
    expect(await attemptSignIn({ email: cleared.email, password: PASSWORD }, META)).toMatchObject({
      ok: false,
      note: { key: 'signIn.invalid' },
    });
    const [toCleared] = await db.mailMessage.findMany({
      where: { to: cleared.email, template: 'login_enabled' },
    });
    // A staff login's mail speaks of the support console and the admin who enabled it, not of the
    // customer portal (B1, 2026-12-08).
    const clearedText = (await words(toCleared!)).text;
    expect(clearedText).toContain('The admin removed your password as they enabled the login');
    expect(clearedText).toContain('your login to the support console');
    expect(clearedText).not.toContain('customer portal');

    // Unticked (an unticked box is not sent): the password stays and signs in; the mail says so.
    expect(await enable(kept.id, {})).toEqual({ ok: true, message: `${kept.email} can sign in again.` });
    expect(await detailOf('staff_user.enabled', kept.id)).toMatchObject({ passwordCleared: false });
    expect((await attemptSignIn({ email: kept.email, password: PASSWORD }, META)).ok).toBe(true);
    const [toKept] = await db.mailMessage.findMany({ where: { to: kept.email, template: 'login_enabled' } });
    expect((await words(toKept!)).text).toContain('Your password is unchanged.');
  });
});
