import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NOTICE_HOLD_MS, requestManualBlock } from '@/lib/blocks/lifecycle';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { processMailOutbox } from '@/lib/mail/worker';
import { sharedNow } from '@/lib/server/clock';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, pointDbAt } from '@/tests/helpers/db';
import { decideLift, makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { mailSuite } from '@/tests/helpers/mail-suite';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The block notice of a block the reconciler found first (lib/blocks/lifecycle.ts NOTICE_HOLD_MS).
// Seen on an Argentine account: the reconciler read the account blocked before the switch's
// block.placed arrived, made the block without calls and queued its notice at once; the mail worker
// sent it within a second, without "What happened" and telling the customer to contact support;
// the calls that came seconds later never reached them by mail. Now that notice is held until the
// event lands (then it goes out with the calls) or NOTICE_HOLD_MS has passed on the shared clock.
// Real parts: the switch simulator for the reconciler's GET, signed events through the ingest, a
// real SMTP server, both databases. Time passing is the Date faked forward, never a sleep.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
appSimPerFile((s) => (sim = s));

const CALLS_HEADING = 'What happened';
const ROTATE_STEP = 'Change the SIP passwords of';
const SUPPORT_STEP = 'Our support team decides when this block is lifted';

/** The history notes (catalogue keys) of the block's rows of `type`, oldest first. */
async function notes(blockId: string, type: 'notice_queued' | 'notice_sent') {
  const rows = await getDb().blockEvent.findMany({ where: { blockId, type }, orderBy: { at: 'asc' } });
  return rows.map((r) => (JSON.parse((r.detail ?? 'note:{}').slice(5)) as { key?: string }).key);
}

/** Time passes (`ms` from now) for this process's clock and so for sharedNow(); nothing sleeps. */
function later(ms: number) {
  vi.useFakeTimers({ toFake: ['Date'], now: Date.now() + ms });
}

describe.each(dialects())('the notice of a block the reconciler found first, on %s', (dialect) => {
  const mail = mailSuite(dialect);
  beforeEach(async () => {
    // Each test starts with an empty outbox, so the workers only see that test's messages.
    await getDb().mailMessage.updateMany({ where: { status: 'pending' }, data: { status: 'failed' } });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  /**
   * An account the switch blocked 2 s ago (its block.placed not delivered yet) and a reconciler
   * pass that finds it: the block without calls, and its notice queued.
   */
  async function foundFirst(members = 1) {
    const emails = Array.from({ length: members }, () => uniqueEmail('held'));
    const made = await makeAccount({ members: emails });
    const at = new Date(Date.now() - 2000);
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: at.toISOString(),
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    const counts = await reconcilePass({ client: client(), accountNumbers: [made.account.number] });
    expect(counts.blocked_in_portal).toBe(1);
    const block = await getDb().block.findFirstOrThrow({ where: { accountId: made.account.id } });
    expect(block.sourceEventId).toBeNull();
    // The switch's event for that block, as its sender retries it: dated when the block took effect.
    const late = placedEvent(made.account.number, { at, from: made.creds.map((c) => c.username) });
    return { ...made, emails, email: emails[0], block, late };
  }

  it('reconciler first, then the event: nothing is sent before it, then one notice with the calls at once', async () => {
    const f = await foundFirst();
    // The mail worker's tick in the second between the reconciler and the event sends nothing.
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(0);
    const [row] = await getDb().mailMessage.findMany({ where: { to: f.email } });
    expect(row.nextAttemptAt.getTime()).toBeGreaterThan(sharedNow().getTime());

    expect(await deliver(f.late)).toMatchObject({ status: 200, body: { duplicate: false } });
    // No time passes: the event made the notice due at once.
    await mail.deliver();
    const sent = mail.smtp.to(f.email);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain(CALLS_HEADING);
    expect(sent[0].text).toContain('To +252 61 123 4567 (Somalia)');
    expect(sent[0].text).toContain(`Through SIP credential ${f.creds[0].username}`);
    // The steps of a block with calls: rotate the passwords (the policy lifts it), not "contact support".
    expect(sent[0].text).toContain(ROTATE_STEP);
    expect(sent[0].text).not.toContain(SUPPORT_STEP);

    expect(await notes(f.block.id, 'notice_queued')).toEqual([
      'history.noticeHeld',
      'history.noticeReleasedCalls',
    ]);
    expect(await notes(f.block.id, 'notice_sent')).toEqual(['history.noticeEmailed']);
    later(NOTICE_HOLD_MS + 60_000);
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(1);
  });

  it('a member removed from the account during the hold is not sent its notice; the one who stays is', async () => {
    // Before (break-29): the mail worker checked only that the login was enabled, so the removed
    // member got the account's calls, source addresses and a sign-in link once the hold ended.
    const f = await foundFirst(2);
    const [gone, stays] = f.emails;
    const removed = await getDb().user.findUniqueOrThrow({ where: { email: gone } });
    await getDb().membership.deleteMany({ where: { userId: removed.id, accountId: f.account.id } });
    expect(await deliver(f.late)).toMatchObject({ status: 200 });
    await mail.deliver();
    expect(mail.smtp.to(stays)).toHaveLength(1);
    expect(mail.smtp.to(gone)).toHaveLength(0);
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: gone } });
    expect(row).toMatchObject({
      status: 'failed',
      lastError: 'not sent: recipient no longer a member of the account',
    });
  });

  it('reconciler first and no event: one notice without calls once the hold has passed, none before, none after', async () => {
    const f = await foundFirst();
    await mail.deliver();
    later(NOTICE_HOLD_MS - 5000);
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(0);

    later(NOTICE_HOLD_MS + 1000);
    await mail.deliver();
    const sent = mail.smtp.to(f.email);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).not.toContain(CALLS_HEADING);
    expect(sent[0].text).toContain(SUPPORT_STEP);
    expect(await notes(f.block.id, 'notice_sent')).toEqual(['history.noticeEmailedNoCalls']);

    // The event comes after all (a 413 re-sent with the calls that fit): the calls join the block
    // and its page; no second mail, and the timeline says the calls came after the notice.
    vi.useRealTimers();
    expect((await deliver(f.late)).status).toBe(200);
    later(NOTICE_HOLD_MS + 60_000);
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(1);
    expect(await getDb().triggerCall.count({ where: { blockId: f.block.id } })).toBe(2);
    expect(await notes(f.block.id, 'notice_queued')).toEqual([
      'history.noticeHeld',
      'history.callsAfterNotice',
    ]);
  });

  it('a switch that writes blockedAt in whole seconds and occurredAt with milliseconds: the event still joins the block', async () => {
    const email = uniqueEmail('seconds');
    const { account, creds } = await makeAccount({ members: [email] });
    const at = new Date(Math.floor(Date.now() / 1000) * 1000 - 2000 + 456);
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    expect(
      (await reconcilePass({ client: client(), accountNumbers: [account.number] })).blocked_in_portal,
    ).toBe(1);
    await mail.deliver();
    expect((await deliver(placedEvent(account.number, { at, from: [creds[0].username] }))).status).toBe(200);
    await mail.deliver();
    later(NOTICE_HOLD_MS + 60_000);
    await mail.deliver();
    expect(await getDb().block.count({ where: { accountId: account.id } })).toBe(1);
    const sent = mail.smtp.to(email);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain(CALLS_HEADING);
  });

  // Review, session 33: the switch placed a block, lifted it and placed another while its events were
  // delayed; the reconciler showed the second. The first block's late event joined it (its calls, its
  // id, the notice released at once with the wrong calls), and the second's then made a block of its own.
  it('placed, lifted, placed again before the events come: each late event goes with its own block', async () => {
    const email = uniqueEmail('twice');
    const { account, creds } = await makeAccount({ members: [email] });
    const t1 = new Date(Date.now() - 30_000);
    const t2 = new Date(Date.now() - 20_000);
    const t3 = new Date(Date.now() - 10_000);
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: t3.toISOString(),
      credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    expect(
      (await reconcilePass({ client: client(), accountNumbers: [account.number] })).blocked_in_portal,
    ).toBe(1);
    const found = await getDb().block.findFirstOrThrow({ where: { accountId: account.id } });
    const first = placedEvent(account.number, { at: t1, from: [creds[0].username] });
    expect((await deliver(first)).status).toBe(200);
    expect((await deliver(liftedEvent(account.number, t2))).status).toBe(200);
    const second = placedEvent(account.number, { at: t3, from: [creds[1].username] });
    expect((await deliver(second)).status).toBe(200);
    const blocks = await getDb().block.findMany({
      where: { accountId: account.id },
      include: { calls: { select: { sipUsername: true } } },
    });
    expect(blocks.map((b) => [b.id, b.status, b.sourceEventId, b.calls.map((c) => c.sipUsername)])).toEqual([
      [found.id, 'active', second.id, [creds[1].username]],
    ]);
    await mail.deliver();
    const sent = mail.smtp.to(email);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain(`Through SIP credential ${creds[1].username}`);
    expect(sent[0].text).not.toContain(creds[0].username);
  });

  it('event first (unchanged): one notice at once with the calls, and the reconciler after it adds none', async () => {
    const email = uniqueEmail('first');
    const { account, creds } = await makeAccount({ members: [email] });
    const at = new Date(Date.now() - 2000);
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: at.toISOString(),
      credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    const e = placedEvent(account.number, { at, from: [creds[0].username] });
    expect((await deliver(e)).status).toBe(200);
    await mail.deliver();
    expect(mail.smtp.to(email)).toHaveLength(1);
    expect(mail.smtp.to(email)[0].text).toContain(CALLS_HEADING);
    expect((await reconcilePass({ client: client(), accountNumbers: [account.number] })).in_sync).toBe(1);
    later(NOTICE_HOLD_MS + 60_000);
    await mail.deliver();
    expect(mail.smtp.to(email)).toHaveLength(1);
    const block = await getDb().block.findFirstOrThrow({ where: { sourceEventId: e.id } });
    expect(await notes(block.id, 'notice_queued')).toEqual(['history.recipients']);
  });

  it('a duplicate event (two copies at once, then a third): one notice with the calls, released once', async () => {
    const f = await foundFirst();
    await mail.deliver();
    const answers = await Promise.all([deliver(f.late), deliver(f.late)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(answers.map((a) => a.body.duplicate).sort()).toEqual([false, true]);
    expect((await deliver(f.late)).body).toMatchObject({ duplicate: true });
    await mail.deliver();
    later(NOTICE_HOLD_MS + 60_000);
    await mail.deliver();
    const sent = mail.smtp.to(f.email);
    expect(sent).toHaveLength(1);
    expect(sent[0].text).toContain(CALLS_HEADING);
    expect(await getDb().triggerCall.count({ where: { blockId: f.block.id } })).toBe(2);
    expect(await notes(f.block.id, 'notice_queued')).toEqual([
      'history.noticeHeld',
      'history.noticeReleasedCalls',
    ]);
  });

  it('a lift during the hold: the notice goes out at once, saying the block is over, then "calling is back", as for any notice not yet sent', async () => {
    const f = await foundFirst();
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(0);
    // The switch lifts the block before its block.placed was delivered, and says so.
    await sim.control('PUT', `/_sim/accounts/${f.account.number}`, { internationalCalling: 'allowed' });
    expect((await deliver(liftedEvent(f.account.number))).status).toBe(200);
    await mail.deliver();
    const sent = mail.smtp.to(f.email);
    expect(sent.map((m) => m.subject)).toEqual([
      // Lifted before it was sent: it says what happened and that the block is over (lib/mail/render.ts).
      `International calling was blocked on ${f.account.name} (${f.account.number}); that block is lifted`,
      `International calling is back on ${f.account.name} (${f.account.number})`,
    ]);
    expect(await notes(f.block.id, 'notice_queued')).toEqual([
      'history.noticeHeld',
      'history.noticeReleasedLift',
    ]);
    // The lifted block's late block.placed is older than the lift: not believed, nothing more sent.
    expect((await deliver(f.late)).status).toBe(200);
    later(NOTICE_HOLD_MS + 60_000);
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(2);
  });

  it('a lift support decides during the hold: the switch confirms it, the notice goes out at once, saying the block is over, then "calling is back"', async () => {
    const f = await foundFirst();
    await mail.deliver();
    expect(mail.smtp.to(f.email)).toHaveLength(0);
    expect((await decideLift([f.block], 'agent@staff.example')).ok).toBe(true);
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await getDb().block.findUniqueOrThrow({ where: { id: f.block.id } })).toMatchObject({
      status: 'lifted',
    });
    await mail.deliver();
    expect(mail.smtp.to(f.email).map((m) => m.subject)).toEqual([
      // Lifted before it was sent: it says what happened and that the block is over (lib/mail/render.ts).
      `International calling was blocked on ${f.account.name} (${f.account.number}); that block is lifted`,
      `International calling is back on ${f.account.name} (${f.account.number})`,
    ]);
    expect(await notes(f.block.id, 'notice_queued')).toEqual([
      'history.noticeHeld',
      'history.noticeReleasedLift',
    ]);
  });

  it('a block support places is not held: its notice goes out as soon as the switch confirms it', async () => {
    const email = uniqueEmail('manual');
    const { account, creds } = await makeAccount({ members: [email] });
    await sim.control('PUT', `/_sim/accounts/${account.number}`, {
      internationalCalling: 'allowed',
      credentials: creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    const placed = await getDb().$transaction((tx) =>
      requestManualBlock(
        tx,
        account,
        'agent@staff.example',
        'Customer asked us to stop all international calls',
      ),
    );
    expect(placed.ok).toBe(true);
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    await mail.deliver();
    expect(mail.smtp.to(email)).toHaveLength(1);
  });

  it('two instances: neither sends during the hold, and after the event each member gets the notice once', async () => {
    const f = await foundFirst(2);
    const transport = mail.transport;
    const both = () =>
      Promise.all([
        processMailOutbox({ transport, owner: 'instance-a' }),
        processMailOutbox({ transport, owner: 'instance-b' }),
      ]);
    await both();
    expect(f.emails.map((e) => mail.smtp.to(e).length)).toEqual([0, 0]);

    // The instance that held the notice is gone: its hold lives in the outbox row alone, so a
    // restarted process (a new database client, nothing in memory) sees it and the event ends it.
    await pointDbAt(process.env.DATABASE_URL);
    const held = await getDb().mailMessage.findMany({ where: { to: { in: f.emails } } });
    expect(held.map((r) => ({ lease: r.leaseOwner, attempts: r.attempts }))).toEqual([
      { lease: null, attempts: 0 },
      { lease: null, attempts: 0 },
    ]);

    expect((await deliver(f.late)).status).toBe(200);
    await both();
    await both();
    expect(f.emails.map((e) => mail.smtp.to(e).length)).toEqual([1, 1]);
    for (const e of f.emails) expect(mail.smtp.to(e)[0].text).toContain(CALLS_HEADING);
    expect(await getDb().blockEvent.count({ where: { blockId: f.block.id, type: 'notice_sent' } })).toBe(2);
  });
});
