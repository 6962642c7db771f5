import crypto from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { completePasswordChange, recoverPasswordChanges, resetSipPassword } from '@/lib/credentials/reset';
import { getDb } from '@/lib/server/db';
import { dialects } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// Review: a SIP password change whose answer was lost sent no security alert. The switch may have
// the new password and, if so, ended every registration of the credential (CONTRACTS §3); yet only
// the audit log knew, while a confirmed change mails every member (lib/mail/delivery-policy.ts: "a
// missed security alert can hide an account takeover"). Now a change that settles as unknown alerts
// every member that the password may have changed, once per change, whether the request saw the
// switch fail to answer or the recovery after a restart settled it. Real parts: the switch
// simulator, a real SMTP server, both databases.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.7', userAgent: 'vitest' };
const strong = () => `Xq7-${crypto.randomBytes(12).toString('base64url')}`;
const MAYBE = /^Security alert: the SIP password of .+ may have changed$/;

describe.each(dialects())('the alert of a SIP password change whose answer was lost, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });

  /** An account with two members, on the simulator with its credentials' old passwords. */
  async function provisioned() {
    const emails = [0, 1].map((i) => uniqueEmail(`sip-alert-${i}`));
    const made = await makeAccount({ members: emails });
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: 'allowed',
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    return { ...made, emails, cred: made.creds[0] };
  }

  /** A change of `cred` by `userId` sent 5 minutes ago whose answer was never recorded (a restart). */
  const cutShort = (cred: { id: string }, userId: string) =>
    getDb().sipPasswordChange.create({
      data: {
        credentialId: cred.id,
        userId,
        score: 4,
        ip: meta.ip,
        createdAt: new Date(Date.now() - 5 * 60_000),
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
    });

  it('the switch answers 503 every time: each member is told the password may have changed, once', async () => {
    const { users, emails, cred } = await provisioned();
    await sim.control('PUT', `/_sim/faults/${cred.username}`, { failNext: 3, failStatus: 503 });
    const outcome = await resetSipPassword(asCustomer(users[0]), cred.id, strong(), meta);
    await sim.control('DELETE', `/_sim/faults/${cred.username}`);
    expect(outcome).toMatchObject({
      ok: false,
      code: 'unavailable',
      // An error answer, not no answer (tests/integration/sip-password-limits.test.ts has both).
      note: { key: 'outcome.reset.switchErrorUnknown' },
    });
    // A recovery pass after it (another instance, a restart) adds nothing: the change is settled.
    await recoverPasswordChanges(new Date(Date.now() + 10 * 60_000));
    expect((await alertsOf(cred.id)).map((m) => m.to).sort()).toEqual([...emails].sort());

    expect(await mail.deliver()).toBe(2);
    for (const email of emails) {
      const got = mail.smtp.to(email);
      expect(got.map((m) => m.subject)).toEqual([expect.stringMatching(MAYBE)]);
      expect(got[0].text).toContain('the new password may or may not be in force');
      expect(got[0].text).toContain('our phone system answered with an error');
      expect(got[0].text).toContain('set the password again in the portal');
      expect(got[0].text).toContain(`By: ${users[0].email}`);
      expect(got[0].text).toContain('From internet address: 192.0.2.7');
    }
  });

  it('after a restart: the recovery alerts each member once, however many passes run at once', async () => {
    const { users, emails, cred } = await provisioned();
    await cutShort(cred, users[0].id);
    await Promise.all([recoverPasswordChanges(), recoverPasswordChanges()]);
    await recoverPasswordChanges();
    expect((await alertsOf(cred.id)).map((m) => m.to).sort()).toEqual([...emails].sort());
    expect(await mail.deliver()).toBe(2);
    for (const email of emails) {
      const got = mail.smtp.to(email);
      expect(got.map((m) => m.subject)).toEqual([expect.stringMatching(MAYBE)]);
      expect(got[0].text).toContain(`By: ${users[0].email}`);
    }
  });

  it('the Spanish alert says the same', async () => {
    const { users, emails, cred } = await provisioned();
    await getDb().user.update({
      where: { id: users[1].id },
      data: { locale: 'es', localeChosenAt: new Date() },
    });
    await cutShort(cred, users[0].id);
    await recoverPasswordChanges();
    await mail.deliver();
    const [es] = mail.smtp.to(emails[1]);
    expect(es.subject).toMatch(/^Alerta de seguridad: puede que se haya cambiado la contraseña SIP de /);
    expect(es.text).toContain('puede que la nueva contraseña esté en vigor o no');
  });

  it('the switch’s confirmation recorded before the alert went out: only the confirmation’s alert is sent', async () => {
    const { users, emails, cred } = await provisioned();
    const change = await cutShort(cred, users[0].id);
    await recoverPasswordChanges();
    // The request's own retries write the 204 late (lib/credentials/reset.ts completeWithRetries).
    await getDb().sipPasswordChange.update({
      where: { id: change.id },
      data: { switchConfirmedAt: new Date() },
    });
    await completePasswordChange(change.id);
    await holdOver();
    expect(await mail.deliver()).toBe(2);
    for (const email of emails)
      expect(mail.smtp.to(email).map((m) => m.subject)).toEqual([
        expect.stringMatching(/^Security alert: SIP password changed for /),
      ]);
    const maybe = (await alertsOf(cred.id)).filter((m) => m.status === 'failed');
    expect(maybe.map((m) => m.lastError)).toEqual([
      expect.stringMatching(/^not sent: superseded: the switch confirmed the change since/),
      expect.stringMatching(/^not sent: superseded: the switch confirmed the change since/),
    ]);
  });
});
