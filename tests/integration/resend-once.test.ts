import crypto from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { form, session } from '@/tests/helpers/action-edge';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeAccount, makeSession, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A resend after "may or may not" (or after an answer lost on the way) never applies a change twice
// (lib/server/idempotency.ts): each form render carries an idempotency key, the change's transaction
// records what it did under it, and a resend with the same key is answered from that record. The
// four forms that applied twice before it, through their real actions, on a real database of each
// dialect and the switch simulator. The first submission commits; the browser never reads its
// answer (the connection dropped), so the person sends the same form again.

// Next's revalidatePath works only inside a request: here it does nothing, or, when `cache.fail`, throws
// as a failure after the change committed (the staff actions call it once their change is done).
const cache = vi.hoisted(() => ({ fail: false }));
vi.mock('next/cache', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  revalidatePath: () => {
    if (cache.fail) throw new Error('the answer failed after the commit');
  },
}));

const { resetSipAction } = await import('@/lib/credentials/actions');
const { changePasswordAction } = await import('@/lib/auth/actions');
const { createStaffAction, resetFactorAction } = await import('@/lib/staff/actions');

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const strong = () => `Zr5-${crypto.randomBytes(12).toString('base64url')}`;
const CURRENT = 'current-horse-battery-9';
const NEXT = 'granite violet harbour lantern 7731';

/** A customer with a password and a live session, acting from it. */
async function customer(locale: 'en' | 'es' = 'en'): Promise<CurrentUser> {
  const u = await getDb().user.create({
    data: { email: uniqueEmail('once'), role: 'customer', locale, passwordHash: await hashPassword(CURRENT) },
  });
  return asUser(u, { sessionId: (await makeSession(u.id)).id, locale });
}

/** Makes the database refuse every FormReceipt row of `userId`: a real failure inside the change's transaction. */
async function refuseReceipts(dialect: string, userId: string): Promise<() => Promise<void>> {
  const db = getDb();
  const name = `refuse_${crypto.randomUUID().replaceAll('-', '')}`;
  if (dialect === 'sqlite') {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER ${name} BEFORE INSERT ON "FormReceipt" WHEN NEW."userId" = '${userId}'
       BEGIN SELECT RAISE(ABORT, 'refused by the test'); END`,
    );
    return async () => void (await db.$executeRawUnsafe(`DROP TRIGGER ${name}`));
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger AS $$ BEGIN
       IF NEW."userId" = '${userId}' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW;
     END $$ LANGUAGE plpgsql`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT ON "FormReceipt" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "FormReceipt"`);
    await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  };
}

describe.each(dialects())('a resend of the same form on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => {
    session.user = null;
    cache.fail = false;
  });

  it('SIP password reset: the resend reports the first change and sends nothing; a new render applies; another member’s key gives nothing', async () => {
    const db = getDb();
    const made = await makeAccount({ members: [uniqueEmail('dana'), uniqueEmail('omar')] });
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: 'allowed',
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    const [dana, omar] = made.users;
    const cred = made.creds[0];
    const matches = async (password: string) =>
      (await sim.control('POST', '/_sim/check-password', { username: cred.username, password })).body.matches;
    session.user = asUser(dana);
    const key = crypto.randomUUID();
    const first = strong();
    const sent = { credentialId: cred.id, password: first, idempotencyKey: key };
    expect(await resetSipAction(undefined, form(sent))).toMatchObject({
      ok: true,
      data: { liftQueued: false },
    });

    // The same form again: what the first did, no password, nothing sent to the switch.
    const again = await resetSipAction(undefined, form(sent));
    expect(again).toEqual({
      ok: true,
      message: expect.stringMatching(
        new RegExp(
          `^The SIP password of ${cred.username} was set at .+\\d:\\d\\d.+nothing was sent to our phone system again`,
        ),
      ),
    });
    expect(JSON.stringify(again)).not.toContain(first);
    // Another password typed into the same render: a password is never compared (never stored, not
    // even hashed), so the answer is the same, and the one in force is still the first.
    expect(await resetSipAction(undefined, form({ ...sent, password: strong() }))).toEqual(again);
    session.user = asUser(dana, { locale: 'es' });
    expect((await resetSipAction(undefined, form(sent))).message).toMatch(
      new RegExp(
        `^La contraseña SIP de ${cred.username} se estableció el .+ no se ha vuelto a enviar nada a nuestra central`,
      ),
    );
    expect(await matches(first)).toBe(true);
    const changes = () => db.sipPasswordChange.count({ where: { credentialId: cred.id } });
    const audits = () => db.auditLog.count({ where: { targetId: cred.id, action: 'sip_password.changed' } });
    // The changes Dana's alerts tell of: a change made while her alert waits joins it (lib/mail/queue.ts
    // queuePasswordChangedAlert), so two changes may be one message.
    const mails = async () =>
      (await db.mailMessage.findMany({ where: { to: dana.email, template: 'sip_password_changed' } }))
        .map((m) => (JSON.parse(m.payload) as { changes?: unknown[] }).changes?.length ?? 1)
        .reduce((a, b) => a + b, 0);
    const rotations = () =>
      db.blockEvent.count({ where: { block: { accountId: made.account.id }, type: 'password_reset' } });
    expect([await changes(), await audits(), await mails()]).toEqual([1, 1, 1]);
    const rotated = await rotations();

    // A new render (a new key): a new change, as asked.
    session.user = asUser(dana);
    const second = strong();
    expect(
      await resetSipAction(
        undefined,
        form({ ...sent, password: second, idempotencyKey: crypto.randomUUID() }),
      ),
    ).toMatchObject({ ok: true, data: { liftQueued: false }, nextKey: expect.any(String) });
    expect(await matches(second)).toBe(true);
    expect([await changes(), await audits(), await mails()]).toEqual([2, 2, 2]);
    expect(await rotations()).toBeGreaterThanOrEqual(rotated);

    // Another member sending Dana's key learns nothing of Dana's change: theirs applies, as their own.
    session.user = asUser(omar);
    const third = strong();
    expect(await resetSipAction(undefined, form({ ...sent, password: third }))).toMatchObject({
      ok: true,
      data: { liftQueued: false },
    });
    expect(await matches(third)).toBe(true);
    expect(await changes()).toBe(3);
  });

  it('SIP password reset refused by the switch: the resend says so, and sends nothing again', async () => {
    const made = await makeAccount({ members: [uniqueEmail('refused')] });
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: 'allowed',
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    session.user = asUser(made.users[0]);
    const sent = { credentialId: made.creds[0].id, password: strong(), idempotencyKey: crypto.randomUUID() };
    await sim.control('PUT', '/_sim/faults', { failNext: 1, failStatus: 422 });
    const refused = await resetSipAction(undefined, form(sent));
    expect(refused).toMatchObject({ ok: false, nextKey: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    await sim.control('DELETE', '/_sim/faults');
    expect((await resetSipAction(undefined, form(sent))).message).toMatch(
      /^Our phone system refused the SIP password/,
    );
    expect(await getDb().sipPasswordChange.count({ where: { credentialId: made.creds[0].id } })).toBe(1);
    // The answer reached the reader, who sets another password as it says: the form's next submission
    // carries the answer's new key, and is a new change (before, the old key answered it from the receipt).
    const again = await resetSipAction(
      undefined,
      form({ ...sent, password: strong(), idempotencyKey: refused.nextKey! }),
    );
    expect(again).toMatchObject({ ok: true });
    expect(await getDb().sipPasswordChange.count({ where: { credentialId: made.creds[0].id } })).toBe(2);
  });

  it('portal password change: the resend is told it was changed, not "current password wrong"; a failure inside the transaction leaves nothing, and its resend applies once', async () => {
    const db = getDb();
    const me = await customer();
    session.user = me;
    const sent = { current: CURRENT, next: NEXT, idempotencyKey: crypto.randomUUID() };
    // The receipt's row refused: the whole change rolls back, and the form says "may or may not".
    const allow = await refuseReceipts(dialect, me.id);
    const failed = await changePasswordAction(undefined, form(sent));
    await allow();
    expect(failed).toMatchObject({
      ok: false,
      message: expect.stringMatching(/may or may not have been made/),
    });
    const hash = async () => (await db.user.findUniqueOrThrow({ where: { id: me.id } })).passwordHash;
    expect(await verifyPassword(await hash(), CURRENT)).toBe(true);

    // Sent again: applied now, once. Then its answer is lost, and the same form comes once more.
    expect(await changePasswordAction(undefined, form(sent))).toMatchObject({ ok: true });
    const again = await changePasswordAction(undefined, form(sent));
    expect(again).toEqual({
      ok: true,
      message: expect.stringMatching(/^Your password was changed at .+ it was not changed again/),
    });
    expect(await verifyPassword(await hash(), NEXT)).toBe(true);
    const audits = await db.auditLog.findMany({ where: { actorId: me.id }, select: { action: true } });
    expect(audits.map((a) => a.action).sort()).toEqual(['password.changed']);
    expect(JSON.stringify(again)).not.toContain(NEXT);

    // A new render changes it again, with the new password as the current one.
    const third = 'copper meadow falcon riddle 2290';
    expect(
      await changePasswordAction(
        undefined,
        form({ current: NEXT, next: third, idempotencyKey: crypto.randomUUID() }),
      ),
    ).toMatchObject({ ok: true, message: 'Your password was changed. Every other session was signed out.' });
    // Someone else's key is nobody's receipt for them: their own form is checked as usual.
    session.user = await customer('es');
    expect(await changePasswordAction(undefined, form({ ...sent, current: 'wrong-one' }))).toMatchObject({
      ok: false,
      message: 'La contraseña actual no es correcta.',
    });
    // A form without a key (a page rendered before keys, a hand-made post) changes nothing.
    expect(await changePasswordAction(undefined, form({ current: CURRENT, next: NEXT }))).toMatchObject({
      ok: false,
      message:
        'Este formulario está desactualizado, así que no se ha cambiado nada. Vuelva a cargar la página y envíelo de nuevo.',
    });
    expect(
      await verifyPassword(
        (await db.user.findUniqueOrThrow({ where: { id: session.user.id } })).passwordHash,
        CURRENT,
      ),
    ).toBe(true);
  });

  it('the same form sent twice at once (a double click): applied once, and both answers say so', async () => {
    const db = getDb();
    const me = await customer();
    session.user = me;
    const sent = form({ current: CURRENT, next: NEXT, idempotencyKey: crypto.randomUUID() });
    const answers = await Promise.all([
      changePasswordAction(undefined, sent),
      changePasswordAction(undefined, sent),
    ]);
    expect(answers.map((a) => a.ok)).toEqual([true, true]);
    expect(answers.map((a) => a.message).sort()).toEqual([
      expect.stringMatching(/^Your password was changed at .+ it was not changed again/),
      'Your password was changed. Every other session was signed out.',
    ]);
    // One change. (The second may have read the new hash and been refused as a wrong current
    // password, audited as such, before its answer was taken from the receipt.)
    expect(await db.auditLog.count({ where: { actorId: me.id, action: 'password.changed' } })).toBe(1);
    const hash = (await db.user.findUniqueOrThrow({ where: { id: me.id } })).passwordHash;
    expect(await verifyPassword(hash, NEXT)).toBe(true);
  });

  it('staff: a new login and a second-factor reset resent are reported, not repeated; other content under the key is refused', async () => {
    const db = getDb();
    const admin = await makeStaff({ role: 'admin' });
    session.user = admin;
    const email = uniqueEmail('new-agent', 'staff.example');
    const create = { email, name: 'Ana Pérez', role: 'agent', idempotencyKey: crypto.randomUUID() };
    // The login is created, then the answer fails: it is the receipt's, not "may or may not".
    cache.fail = true;
    const made = await createStaffAction(undefined, form(create));
    cache.fail = false;
    expect(made).toEqual({
      ok: true,
      message: expect.stringMatching(
        new RegExp(`^The login ${email} was created at .+ use “Reset two-factor”`),
      ),
    });
    // Sent again: the same answer, and no second login nor "already exists".
    const again = await createStaffAction(undefined, form(create));
    expect(again).toEqual(made);
    // The same key with another name: not this form's change; nothing made, and said so.
    expect(await createStaffAction(undefined, form({ ...create, name: 'Ana P.' }))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^This form was already sent at .+ nothing was changed now/),
    });
    const agent = await db.user.findUniqueOrThrow({ where: { email } });
    expect(agent.name).toBe('Ana Pérez');
    expect(await db.auditLog.count({ where: { targetId: agent.id, action: 'staff_user.created' } })).toBe(1);

    // Reset their second factor; the answer is lost; the same form again makes no second password.
    const reset = {
      userId: agent.id,
      reason: 'Lost her phone; called from her desk line.',
      idempotencyKey: crypto.randomUUID(),
    };
    const first = await resetFactorAction(undefined, form(reset));
    const given = (first.data as { initialPassword: string }).initialPassword;
    const resent = await resetFactorAction(undefined, form(reset));
    expect(resent).toEqual({
      ok: true,
      message: expect.stringMatching(
        new RegExp(`^The two-factor authentication of ${email} was reset at .+`),
      ),
    });
    const hash = (await db.user.findUniqueOrThrow({ where: { id: agent.id } })).passwordHash;
    expect(await verifyPassword(hash, given)).toBe(true);
    const resets = () =>
      db.auditLog.count({ where: { targetId: agent.id, action: 'staff_user.second_factor_reset' } });
    expect(await resets()).toBe(1);
    // Another admin with the first one's key: their own reset, applied.
    session.user = await makeStaff({ role: 'admin' });
    expect(await resetFactorAction(undefined, form(reset))).toMatchObject({
      ok: true,
      data: { initialPassword: expect.any(String) },
    });
    expect(await resets()).toBe(2);
  });
});
