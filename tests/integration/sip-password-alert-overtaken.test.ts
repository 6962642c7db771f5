import crypto from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { recoverPasswordChanges, resetSipPassword } from '@/lib/credentials/reset';
import { getDb } from '@/lib/server/db';
import { dialects } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A fault tester: a SIP password reset (password A) whose switch answer never came (the portal was
// killed with the PUT on the wire). After the restart the reset page said "set a new password now";
// the customer set B, which the switch confirmed ("Password updated", its alert went out). Then the
// recovery marked A `unknown` and mailed every member "the SIP password … may have changed … set
// the password again … so that you know which one is in force": false, since B, sent after A and
// confirmed, is in force. Now the "may have changed" alert is neither queued nor sent once the switch
// confirmed a newer change of the same credential, whichever came first: that confirmation, or the
// alert's queueing. Real parts: the switch simulator, a real SMTP server, both databases.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.7', userAgent: 'vitest' };
const strong = () => `Xq7-${crypto.randomBytes(12).toString('base64url')}`;
const MAYBE = /^Security alert: the SIP password of .+ may have changed$/;
const CHANGED = /^Security alert: SIP password changed for /;
const OVERTAKEN = /^not sent: superseded: the switch confirmed a newer password of the credential/;

describe.each(dialects())('a "may have changed" alert overtaken by a newer password, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });

  /** An account with two members, on the simulator with its credentials' old passwords. */
  async function provisioned() {
    const emails = [0, 1].map((i) => uniqueEmail(`sip-overtaken-${i}`));
    const made = await makeAccount({ members: emails });
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: 'allowed',
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    return { ...made, emails, cred: made.creds[0] };
  }

  /**
   * A change of `cred` by `userId` sent `minutesAgo` minutes ago whose answer was never recorded (the
   * portal killed with the PUT on the wire), or one settled as `status` with `confirmed` its 204.
   */
  const change = (
    cred: { id: string },
    userId: string,
    minutesAgo: number,
    settled: { status?: string; confirmed?: boolean } = {},
  ) =>
    getDb().sipPasswordChange.create({
      data: {
        credentialId: cred.id,
        userId,
        score: 4,
        ip: meta.ip,
        createdAt: new Date(Date.now() - minutesAgo * 60_000),
        status: settled.status ?? 'sending',
        switchConfirmedAt: settled.confirmed ? new Date(Date.now() - minutesAgo * 60_000) : null,
      },
    });

  /**
   * The hold of the confirmed alerts (lib/mail/queue.ts PASSWORD_ALERT_HOLD_MS, 2 minutes) has passed:
   * they are due now, as the "may have changed" ones always are.
   */
  const holdOver = () =>
    getDb().mailMessage.updateMany({
      where: { template: 'sip_password_changed', status: 'pending', nextAttemptAt: { gt: new Date() } },
      data: { nextAttemptAt: new Date() },
    });

  const alertsOf = (credId: string) =>
    getDb().mailMessage.findMany({
      where: { template: 'sip_password_changed', payload: { contains: credId } },
      orderBy: { createdAt: 'asc' },
    });
  const maybeAlertsOf = async (changeId: string) =>
    (await getDb().mailMessage.findMany({ where: { template: 'sip_password_changed' } })).filter(
      (m) => (JSON.parse(m.payload) as { unconfirmedChangeId?: string }).unconfirmedChangeId === changeId,
    );

  it('the tester’s order: B confirmed, then the recovery settles A as unknown and queues no alert', async () => {
    const { users, emails, cred } = await provisioned();
    const a = await change(cred, users[0].id, 5);
    // After the restart, before the recovery's pass: the customer sets B, and the switch confirms it.
    const b = await resetSipPassword(asCustomer(users[0]), cred.id, strong(), meta);
    expect(b).toMatchObject({ ok: true, data: { recorded: true } });

    await recoverPasswordChanges();
    expect(await getDb().sipPasswordChange.findUniqueOrThrow({ where: { id: a.id } })).toMatchObject({
      status: 'unknown',
    });
    // A is still audited as unconfirmed: what became of it is not known; only the alert is false,
    // and the row says it was not sent, and why.
    const rows = await getDb().auditLog.findMany({
      where: { action: 'sip_password.change_unknown', detail: { contains: a.id } },
    });
    expect(rows.map((r) => JSON.parse(r.detail ?? '{}').alert)).toEqual(['overtaken']);
    expect(await maybeAlertsOf(a.id)).toEqual([]);

    await holdOver();
    expect(await mail.deliver()).toBe(2);
    for (const email of emails)
      expect(mail.smtp.to(email).map((m) => m.subject)).toEqual([expect.stringMatching(CHANGED)]);
  });

  it('the reverse order: the alert about A is queued, then B is confirmed before it goes; only B’s alert is sent', async () => {
    const { users, emails, cred } = await provisioned();
    const a = await change(cred, users[0].id, 5);
    await recoverPasswordChanges();
    expect((await maybeAlertsOf(a.id)).map((m) => m.to).sort()).toEqual([...emails].sort());
    const rows = await getDb().auditLog.findMany({
      where: { action: 'sip_password.change_unknown', detail: { contains: a.id } },
    });
    expect(rows.map((r) => JSON.parse(r.detail ?? '{}').alert)).toEqual(['queued']);

    const b = await resetSipPassword(asCustomer(users[1]), cred.id, strong(), meta);
    expect(b).toMatchObject({ ok: true, data: { recorded: true } });

    await holdOver();
    expect(await mail.deliver()).toBe(2);
    for (const email of emails)
      expect(mail.smtp.to(email).map((m) => m.subject)).toEqual([expect.stringMatching(CHANGED)]);
    const maybe = await maybeAlertsOf(a.id);
    expect(maybe.map((m) => [m.status, m.lastError])).toEqual([
      ['failed', expect.stringMatching(OVERTAKEN)],
      ['failed', expect.stringMatching(OVERTAKEN)],
    ]);
  });

  it('a newer change confirmed by the switch whose completion is still on its way overtakes it too', async () => {
    const { users, emails, cred } = await provisioned();
    const a = await change(cred, users[0].id, 5);
    await recoverPasswordChanges();
    // B's 204 recorded, its completion (status, alert) not yet: the switch has B all the same.
    await change(cred, users[0].id, 1, { confirmed: true });
    expect(await mail.deliver()).toBe(0);
    expect((await maybeAlertsOf(a.id)).map((m) => m.lastError)).toEqual([
      expect.stringMatching(OVERTAKEN),
      expect.stringMatching(OVERTAKEN),
    ]);
    for (const email of emails) expect(mail.smtp.to(email)).toEqual([]);
  });

  it('a change confirmed before A, or one after it the switch refused or never answered, leaves the alert true', async () => {
    const { users, emails, cred } = await provisioned();
    // Confirmed a week before A: A may have replaced it.
    await change(cred, users[0].id, 7 * 24 * 60, { status: 'applied', confirmed: true });
    const a = await change(cred, users[0].id, 5);
    // After A: refused (nothing changed), and one whose answer is not known yet (no confirmation).
    await change(cred, users[0].id, 4, { status: 'failed' });
    await change(cred, users[0].id, 3, { status: 'unknown' });
    await recoverPasswordChanges();
    expect((await maybeAlertsOf(a.id)).map((m) => m.to).sort()).toEqual([...emails].sort());
    const rows = await getDb().auditLog.findMany({
      where: { action: 'sip_password.change_unknown', detail: { contains: a.id } },
    });
    expect(rows.map((r) => JSON.parse(r.detail ?? '{}').alert)).toEqual(['queued']);
    expect(await mail.deliver()).toBe(2);
    for (const email of emails)
      expect(mail.smtp.to(email).map((m) => m.subject)).toEqual([expect.stringMatching(MAYBE)]);
  });

  it('another credential’s newer password says nothing of this one', async () => {
    const { users, emails, creds } = await provisioned();
    expect(creds.length).toBeGreaterThan(1);
    const a = await change(creds[0], users[0].id, 5);
    await change(creds[1], users[0].id, 1, { status: 'applied', confirmed: true });
    await recoverPasswordChanges();
    expect(await mail.deliver()).toBe(2);
    for (const email of emails)
      expect(mail.smtp.to(email).map((m) => m.subject)).toEqual([expect.stringMatching(MAYBE)]);
    expect((await alertsOf(creds[0].id)).map((m) => m.status)).toEqual(['done', 'done']);
    expect(await maybeAlertsOf(a.id)).toHaveLength(2);
  });
});
