import crypto from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { recoverPasswordChanges, resetSipPassword } from '@/lib/credentials/reset';
import {
  PASSWORD_ALERT_HOLD_MS,
  PASSWORD_ALERT_MAX_HOLD_MS,
  queueMail,
  queuePasswordChangedAlert,
} from '@/lib/mail/queue';
import { MAX_CHANGES_PER_PASSWORD_ALERT } from '@/lib/mail/payloads';
import { claimDue } from '@/lib/server/outbox';
import { getDb } from '@/lib/server/db';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeRequest } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// A tester rotated the 45 SIP passwords of a PBX after a fraud block, one after the other as the
// reset page leads ("Next: change the password of …"), and every member got 45 security alerts,
// minutes apart. Now the confirmed changes of one account wait PASSWORD_ALERT_HOLD_MS in the outbox
// and each change made meanwhile joins the alert already waiting for that member (at most
// PASSWORD_ALERT_MAX_HOLD_MS after it was first queued), so a sitting is one alert per member. Real
// parts: the switch simulator, a real SMTP server, the mail worker, both databases. Time passing is
// the Date faked forward, never a sleep.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const meta = { ip: '192.0.2.7', userAgent: 'vitest' };
const strong = () => `Xq7-${crypto.randomBytes(12).toString('base64url')}`;
const MIN = 60_000;

/** The clock (this process's Date, so sharedNow()) at `ms`; nothing sleeps. */
const at = (ms: number) => vi.useFakeTimers({ toFake: ['Date'], now: ms });

type Alert = {
  userId?: string;
  accountId?: string;
  credentialId?: string;
  unconfirmedChangeId?: string;
  changes?: { credentialId: string; changedAt: string; ip: string | null; by: string | null }[];
};

describe.each(dialects())('one security alert for a sitting of SIP password changes, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    // Each test starts with an empty outbox, so the worker only sees that test's messages.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /** An account with `members` members and `creds` credentials, on the simulator with old passwords. */
  async function provisioned(members = 2, creds = 3) {
    const emails = Array.from({ length: members }, (_, i) => uniqueEmail(`digest-${i}`));
    const n = crypto.randomInt(10 ** 9, 10 ** 10);
    const made = await makeAccount({
      members: emails,
      credentials: Array.from({ length: creds }, (_, i) => `digest-${n}-${i}`),
    });
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: 'allowed',
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    return { ...made, emails };
  }

  /** The pending alerts to `to`, oldest first, with their payloads read. */
  async function alertsTo(to: string) {
    const rows = await getDb().mailMessage.findMany({
      where: { to, template: 'sip_password_changed', status: 'pending' },
      orderBy: { createdAt: 'asc' },
    });
    return rows.map((r) => ({ ...r, p: JSON.parse(r.payload) as Alert }));
  }

  /** A confirmed change of `credentialId` queued now, as completePasswordChange queues it. */
  const confirmed = (accountId: string, credentialId: string, by = 'someone@test.example') =>
    getDb().$transaction((tx) =>
      queuePasswordChangedAlert(tx, accountId, {
        credentialId,
        changedAt: new Date().toISOString(),
        ip: meta.ip,
        by,
      }),
    );

  it('three changes in a row: each member gets one alert listing the three in order, through SMTP, in their language', async () => {
    const { users, emails, creds, account } = await provisioned(2, 3);
    await getDb().user.update({
      where: { id: users[1].id },
      data: { locale: 'es', localeChosenAt: new Date() },
    });
    const t0 = Date.now();
    for (const [i, cred] of creds.entries()) {
      at(t0 + i * 30_000);
      const r = await resetSipPassword(asCustomer(users[0]), cred.id, strong(), meta);
      expect(r).toMatchObject({ ok: true, data: { recorded: true } });
    }
    for (const [i, email] of emails.entries()) {
      const rows = await alertsTo(email);
      expect(rows).toHaveLength(1);
      expect(rows[0].p).toMatchObject({ userId: users[i].id, accountId: account.id });
      expect(rows[0].p.changes?.map((c) => c.credentialId)).toEqual(creds.map((c) => c.id));
      expect(rows[0].p.changes?.map((c) => c.by)).toEqual([users[0].email, users[0].email, users[0].email]);
      // Held from the last change.
      expect(rows[0].nextAttemptAt.getTime()).toBe(t0 + 60_000 + PASSWORD_ALERT_HOLD_MS);
    }

    // Nothing goes while the hold runs; then one message each.
    at(t0 + 60_000 + PASSWORD_ALERT_HOLD_MS - 1000);
    expect(await mail.deliver()).toBe(0);
    at(t0 + 60_000 + PASSWORD_ALERT_HOLD_MS + 1000);
    expect(await mail.deliver()).toBe(2);

    const [en] = mail.smtp.to(emails[0]);
    expect(mail.smtp.to(emails[0])).toHaveLength(1);
    expect(en.subject).toBe(`Security alert: 3 SIP passwords changed on ${account.name} (${account.number})`);
    const names = creds.map((c) => c.username);
    // One card per credential, in the order they were changed; the guidance once.
    expect(en.text.match(/^\* .+$/gm)).toEqual(names.map((u) => `* ${u}`));
    expect(en.text.match(/^ {2}When: /gm)).toHaveLength(3);
    expect(en.text.match(new RegExp(`^ {2}By: ${users[0].email}$`, 'gm'))).toHaveLength(3);
    expect(en.text.match(/^ {2}From internet address: 192\.0\.2\.7$/gm)).toHaveLength(3);
    expect(en.text.match(/If it was not you/g)).toHaveLength(1);
    expect(en.text).toContain('Sign in and set a new SIP password for each of these credentials.');
    for (const body of [en.text, en.html]) expect(body).not.toMatch(/switch/i);

    const [es] = mail.smtp.to(emails[1]);
    expect(mail.smtp.to(emails[1])).toHaveLength(1);
    expect(es.subject).toBe(
      `Alerta de seguridad: se han cambiado 3 contraseñas SIP en ${account.name} (${account.number})`,
    );
    expect(es.text.match(/^\* .+$/gm)).toEqual(names.map((u) => `* ${u}`));
    expect(es.text.match(/^ {2}Cuándo: /gm)).toHaveLength(3);
    expect(es.text.match(/Si no fue usted/g)).toHaveLength(1);
  });

  it('a lone change reads exactly as before, and goes after the hold', async () => {
    const { users, emails, creds, account } = await provisioned(1, 2);
    const t0 = Date.now();
    at(t0);
    await resetSipPassword(asCustomer(users[0]), creds[1].id, strong(), meta);
    at(t0 + PASSWORD_ALERT_HOLD_MS + 1000);
    expect(await mail.deliver()).toBe(1);
    const [m] = mail.smtp.to(emails[0]);
    expect(m.subject).toBe(
      `Security alert: SIP password changed for ${creds[1].username} on ${account.name} (${account.number})`,
    );
    expect(m.text).toContain(
      `The SIP password of ${creds[1].username} on ${account.name} (${account.number}) was changed.`,
    );
    expect(m.text).toContain('Sign in and set a new SIP password for this credential.');
  });

  it('each change pushes the due time to now + the hold, never past 10 minutes after the first', async () => {
    const { users, creds, account } = await provisioned(1, 1);
    const to = users[0].email;
    const t0 = Date.now();
    for (let i = 0; i <= 9; i++) {
      at(t0 + i * MIN);
      await confirmed(account.id, creds[0].id);
      const rows = await alertsTo(to);
      expect(rows).toHaveLength(1);
      expect(rows[0].p.changes).toHaveLength(i + 1);
      expect(rows[0].nextAttemptAt.getTime()).toBe(
        Math.min(t0 + i * MIN + PASSWORD_ALERT_HOLD_MS, t0 + PASSWORD_ALERT_MAX_HOLD_MS),
      );
    }
    // Capped: due at t0 + 10 min. A change 20 s before then no longer joins it (a worker may be
    // claiming it): it starts a message of its own, held as a first change is.
    at(t0 + PASSWORD_ALERT_MAX_HOLD_MS - 20_000);
    await confirmed(account.id, creds[0].id);
    const rows = await alertsTo(to);
    expect(rows.map((r) => r.p.changes?.length)).toEqual([10, 1]);
    expect(rows.map((r) => r.nextAttemptAt.getTime())).toEqual([
      t0 + PASSWORD_ALERT_MAX_HOLD_MS,
      t0 + PASSWORD_ALERT_MAX_HOLD_MS - 20_000 + PASSWORD_ALERT_HOLD_MS,
    ]);
  });

  it('a message claimed by a worker takes no more changes: the next change gets a message of its own', async () => {
    const { users, creds, account } = await provisioned(1, 2);
    const to = users[0].email;
    await confirmed(account.id, creds[0].id);
    // Another instance's worker claims it (its clock reads it due), before it is sent.
    const claimed = await claimDue(getDb().mailMessage, 'other-worker', 120_000, {
      now: new Date(Date.now() + PASSWORD_ALERT_HOLD_MS + 1000),
    });
    expect(claimed?.to).toBe(to);
    await confirmed(account.id, creds[1].id);
    const rows = await alertsTo(to);
    expect(rows.map((r) => r.p.changes?.map((c) => c.credentialId))).toEqual([[creds[0].id], [creds[1].id]]);
    expect(rows[0].payload).toBe(claimed?.payload);
  });

  it('a message whose send started takes no more changes', async () => {
    const { users, creds, account } = await provisioned(1, 2);
    const to = users[0].email;
    await confirmed(account.id, creds[0].id);
    await getDb().mailMessage.updateMany({
      where: { to, template: 'sip_password_changed', status: 'pending' },
      data: { sendStartedAt: new Date(), attempts: 1 },
    });
    await confirmed(account.id, creds[1].id);
    expect((await alertsTo(to)).map((r) => r.p.changes?.length)).toEqual([1, 1]);
  });

  it('a full message takes no more changes: the next starts a new one', async () => {
    const { users, creds, account } = await provisioned(1, 1);
    const to = users[0].email;
    for (let i = 0; i <= MAX_CHANGES_PER_PASSWORD_ALERT; i++) await confirmed(account.id, creds[0].id);
    expect((await alertsTo(to)).map((r) => r.p.changes?.length)).toEqual([MAX_CHANGES_PER_PASSWORD_ALERT, 1]);
  });

  it('an unconfirmed alert is never merged, and is due at once', async () => {
    const { users, creds, account } = await provisioned(1, 2);
    const to = users[0].email;
    await confirmed(account.id, creds[0].id);
    // A change of the other credential whose answer never came (a restart), settled by the recovery.
    await getDb().sipPasswordChange.create({
      data: {
        credentialId: creds[1].id,
        userId: users[0].id,
        score: 4,
        ip: meta.ip,
        createdAt: new Date(Date.now() - 5 * MIN),
      },
    });
    await recoverPasswordChanges();
    // A confirmed change after it joins the confirmed alert, not the "may have changed" one.
    await confirmed(account.id, creds[0].id);
    const rows = await alertsTo(to);
    expect(rows).toHaveLength(2);
    const maybe = rows.find((r) => r.p.unconfirmedChangeId)!;
    expect(maybe.p).toMatchObject({ credentialId: creds[1].id });
    expect(maybe.p.changes).toBeUndefined();
    expect(maybe.nextAttemptAt.getTime()).toBeLessThanOrEqual(Date.now());
    const sure = rows.find((r) => !r.p.unconfirmedChangeId)!;
    expect(sure.p.changes?.map((c) => c.credentialId)).toEqual([creds[0].id, creds[0].id]);
    // It goes now, alone; the confirmed alert waits for its hold.
    expect(await mail.deliver()).toBe(1);
    expect(mail.smtp.to(to).map((m) => m.subject)).toEqual([
      expect.stringMatching(/^Security alert: the SIP password of .+ may have changed$/),
    ]);
  });

  it('a member of two accounts gets one alert per account', async () => {
    const email = uniqueEmail('digest-two');
    const a = await makeAccount({ members: [email] });
    const b = await makeAccount();
    await getDb().membership.create({ data: { userId: a.users[0].id, accountId: b.account.id } });
    await confirmed(a.account.id, a.creds[0].id);
    await confirmed(b.account.id, b.creds[0].id);
    await confirmed(a.account.id, a.creds[1].id);
    await confirmed(b.account.id, b.creds[1].id);
    const rows = await alertsTo(email);
    expect(rows.map((r) => [r.p.accountId, r.p.changes?.map((c) => c.credentialId)])).toEqual([
      [a.account.id, [a.creds[0].id, a.creds[1].id]],
      [b.account.id, [b.creds[0].id, b.creds[1].id]],
    ]);
  });

  it('a credential deleted since is left out; the others are still told', async () => {
    const { users, creds, account } = await provisioned(1, 3);
    const to = users[0].email;
    for (const c of creds) await confirmed(account.id, c.id, to);
    await getDb().sipCredential.delete({ where: { id: creds[1].id } });
    at(Date.now() + PASSWORD_ALERT_HOLD_MS + 1000);
    expect(await mail.deliver()).toBe(1);
    const [m] = mail.smtp.to(to);
    expect(m.subject).toBe(`Security alert: 2 SIP passwords changed on ${account.name} (${account.number})`);
    expect(m.text.match(/^\* .+$/gm)).toEqual([`* ${creds[0].username}`, `* ${creds[2].username}`]);
  });

  it('an alert queued before, with one change and no list, still renders', async () => {
    const { users, creds, account } = await provisioned(1, 1);
    const to = users[0].email;
    await getDb().$transaction((tx) =>
      queueMail(tx, to, 'sip_password_changed', {
        credentialId: creds[0].id,
        changedAt: '2026-11-25T15:00:00.000Z',
        ip: '198.51.100.23',
        by: 'dana@acme.example',
        userId: users[0].id,
      }),
    );
    // No change joins it: it is not a gathered alert.
    await confirmed(creds[0].accountId, creds[0].id);
    expect((await alertsTo(to)).map((r) => r.p.changes?.length ?? 'one')).toEqual(['one', 1]);
    expect(await mail.deliver()).toBe(1);
    const [m] = mail.smtp.to(to);
    expect(m.subject).toBe(
      `Security alert: SIP password changed for ${creds[0].username} on ${account.name} (${account.number})`,
    );
    expect(m.text).toContain('By: dana@acme.example');
    expect(m.text).toContain('From internet address: 198.51.100.23');
  });

  // A tester (2026-12-07): the change that lifted the block was told two minutes after "International
  // calling is back", as if it came after the lift, and a member who had not made it learnt of it last.
  describe('a mail about the lift sends the held alert first', () => {
    /**
     * `made`'s account blocked on the simulator and in the portal, the block's calls through each of
     * its credentials (so the last credential's change lifts it): the Block row.
     */
    async function blocked(made: Awaited<ReturnType<typeof provisioned>>) {
      await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
        internationalCalling: 'blocked',
        reason: 'high_risk_destination',
      });
      return makeBlock(made.account.id, {
        placedAt: new Date(Date.now() - 5 * MIN),
        calls: made.creds.map((c) => ({ sipUsername: c.username })),
      });
    }

    /**
     * Every credential of `made` changed by its first member, 30 s apart from `t0`; the last lifts.
     * `beforeConfirm` runs between the lift's queueing and the switch's confirmation.
     */
    async function rotateAll(
      made: Awaited<ReturnType<typeof provisioned>>,
      t0: number,
      beforeConfirm?: () => Promise<unknown>,
    ) {
      for (const [i, cred] of made.creds.entries()) {
        at(t0 + i * 30_000);
        const r = await resetSipPassword(asCustomer(made.users[0]), cred.id, strong(), meta);
        expect(r).toEqual({ ok: true, data: { recorded: true, liftQueued: i === made.creds.length - 1 } });
      }
      await beforeConfirm?.();
      // The switch confirms the lift: "International calling is back" is queued to every member (and
      // after a newer block, the block is put back on the switch: a second operation).
      expect(await processSwitchOutbox()).toBe(beforeConfirm ? 2 : 1);
    }

    const liftedTo = (to: string) =>
      getDb().mailMessage.findFirstOrThrow({ where: { to, template: 'block_lifted' } });

    it('a reset that lifts the block: each member gets the alert, with every change, before "calling is back"', async () => {
      const made = await provisioned(2, 2);
      const block = await blocked(made);
      const t0 = Date.now();
      await rotateAll(made, t0);
      expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lifted');
      for (const email of made.emails) {
        const [alert] = await alertsTo(email);
        // Released, its cards kept; due before the lifted mail, and not late by minutes (lib/mail/lag.ts).
        expect(alert.p.changes?.map((c) => c.credentialId)).toEqual(made.creds.map((c) => c.id));
        const lifted = await liftedTo(email);
        expect(alert.nextAttemptAt.getTime()).toBeLessThan(lifted.nextAttemptAt.getTime());
        expect(alert.nextAttemptAt.getTime()).toBe(lifted.nextAttemptAt.getTime() - 1);
      }
      // No time passes: both go now, the alert first, to each member.
      expect(await mail.deliver()).toBe(4);
      for (const email of made.emails)
        expect(mail.smtp.to(email).map((m) => m.subject)).toEqual([
          `Security alert: 2 SIP passwords changed on ${made.account.name} (${made.account.number})`,
          `International calling is back on ${made.account.name} (${made.account.number})`,
        ]);
    });

    it('an alert another worker is still sending keeps "calling is back" waiting until it is sent', async () => {
      const made = await provisioned(1, 1);
      await blocked(made);
      const to = made.emails[0];
      await rotateAll(made, Date.now());
      // Another instance's worker claims the alert (due first) and is in the middle of sending it.
      const claimed = await claimDue(getDb().mailMessage, 'other-worker', 120_000);
      expect(claimed?.template).toBe('sip_password_changed');
      expect(await mail.deliver()).toBe(0);
      const lifted = await liftedTo(to);
      expect(lifted).toMatchObject({
        status: 'pending',
        attempts: 0,
        lastError: 'waiting for the security alert to this address to go first',
      });
      expect(mail.smtp.to(to)).toHaveLength(0);
      // It was sent (the other worker's markSent); "calling is back" goes at its next turn.
      await getDb().mailMessage.update({
        where: { id: claimed!.id },
        data: { status: 'done', sentAt: new Date(), leaseOwner: null, leaseUntil: null },
      });
      at(Date.now() + 2000);
      expect(await mail.deliver()).toBe(1);
      expect(mail.smtp.to(to).map((m) => m.subject)).toEqual([
        `International calling is back on ${made.account.name} (${made.account.number})`,
      ]);
    });

    it('the lift of a block while a newer one stays in force: the alert goes before "request closed"', async () => {
      const made = await provisioned(1, 1);
      const block = await blocked(made);
      const to = made.emails[0];
      await makeRequest(block, made.users[0].id);
      // The portal hears of a newer block after the lift was queued and before the switch confirms it:
      // the lift closes the request, and its asker is told "closed", not "calling is back".
      await rotateAll(made, Date.now(), async () => {
        await makeBlock(made.account.id, { calls: [{ sipUsername: 'not-a-credential' }] });
      });
      expect(await getDb().mailMessage.count({ where: { to, template: 'block_lifted' } })).toBe(0);
      expect(await mail.deliver()).toBe(2);
      expect(mail.smtp.to(to).map((m) => m.subject)).toEqual([
        `Security alert: SIP password changed for ${made.creds[0].username} on ${made.account.name} (${made.account.number})`,
        `Your unblock request for ${made.account.name} (${made.account.number}) is closed`,
      ]);
    });

    it('a held alert about another account of the member is not released', async () => {
      const made = await provisioned(1, 1);
      await blocked(made);
      const other = await makeAccount();
      await getDb().membership.create({ data: { userId: made.users[0].id, accountId: other.account.id } });
      const to = made.emails[0];
      const t0 = Date.now();
      at(t0);
      await confirmed(other.account.id, other.creds[0].id);
      await rotateAll(made, t0 + 1000);
      const rows = await alertsTo(to);
      expect(rows.map((r) => [r.p.accountId, r.nextAttemptAt.getTime() > Date.now()])).toEqual([
        [other.account.id, true],
        [made.account.id, false],
      ]);
      expect(rows[0].nextAttemptAt.getTime()).toBe(t0 + PASSWORD_ALERT_HOLD_MS);
      expect(await mail.deliver()).toBe(2);
      expect(mail.smtp.to(to).map((m) => m.subject)).toEqual([
        `Security alert: SIP password changed for ${made.creds[0].username} on ${made.account.name} (${made.account.number})`,
        `International calling is back on ${made.account.name} (${made.account.number})`,
      ]);
    });

    it('a change after the release starts a new held alert', async () => {
      const made = await provisioned(1, 1);
      await blocked(made);
      const to = made.emails[0];
      const t0 = Date.now();
      await rotateAll(made, t0);
      at(t0 + 40_000);
      const r = await resetSipPassword(asCustomer(made.users[0]), made.creds[0].id, strong(), meta);
      expect(r).toMatchObject({ ok: true, data: { recorded: true } });
      const rows = await alertsTo(to);
      expect(rows.map((row) => row.p.changes?.length)).toEqual([1, 1]);
      expect(rows[0].nextAttemptAt.getTime()).toBeLessThanOrEqual(t0);
      expect(rows[1].nextAttemptAt.getTime()).toBe(t0 + 40_000 + PASSWORD_ALERT_HOLD_MS);
      // The released alert and the lift go now; the new alert waits for its hold.
      expect(await mail.deliver()).toBe(2);
      expect(mail.smtp.to(to).map((m) => m.subject)).toEqual([
        `Security alert: SIP password changed for ${made.creds[0].username} on ${made.account.name} (${made.account.number})`,
        `International calling is back on ${made.account.name} (${made.account.number})`,
      ]);
      expect((await alertsTo(to)).map((row) => row.id)).toEqual([rows[1].id]);
    });
  });
});
