import { beforeAll, describe, expect, it } from 'vitest';
import { placeManualBlock } from '@/lib/blocks/manual';
import { liftIfRotated } from '@/lib/blocks/policy';
import { mailAbout } from '@/lib/mail/queue';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { blockReasons } from '@/lib/switch/events-schema';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// A switch that also sends `block.placed` for the blocks Tollgate placed through its API (an echo;
// docs/switch-api.md part 3, "Events for Tollgate's own changes"). Nothing in CONTRACTS §4 forbids
// it. Before, the echo of a manual block made a second block and mailed every member a second block
// notice, in either arrival order; the echo of a block placed again made a block with no calls (which
// no password change could lift) and an "action needed" notice. Now the echo is the same block.
// Real parts: the simulator for the PUT, signed events through the ingest, both databases.

let sim: TestSim;
const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });

appSimPerFile((s) => (sim = s));

/** The event a switch sends for a block it placed at `blockedAt` (its reason, when it is one of ours). */
function echoOf(n: string, blockedAt: string, reason: string | null) {
  const known = (blockReasons as readonly string[]).includes(reason ?? '');
  return placedEvent(n, { at: new Date(blockedAt), reason: known ? reason! : 'manual' });
}

/**
 * The switch client of a switch that posts its echo before Tollgate has read the answer to its PUT
 * (the event is faster than the response): every blocking PUT it applies is followed, before the
 * answer is handed back, by the signed `block.placed` for it. `echoes` collects their ids.
 */
function echoingFirst(base: SwitchClient, echoes: string[]): SwitchClient {
  return {
    ...base,
    async setInternationalCalling(n, change, key, opts) {
      const res = await base.setInternationalCalling(n, change, key, opts);
      if (res.ok && change.state === 'blocked' && res.value.blockedAt) {
        const e = echoOf(n, res.value.blockedAt, res.value.reason);
        expect(await deliver(e)).toMatchObject({ status: 200, body: { duplicate: false } });
        echoes.push(e.id);
      }
      return res;
    },
  };
}

/** An account the switch allows, with one member and two SIP credentials. */
async function allowedAccount() {
  const made = await makeAccount({ members: [uniqueEmail('echo')] });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return made;
}

const openBlocks = (accountId: string) =>
  getDb().block.findMany({ where: { accountId, status: { in: ['active', 'lift_pending'] } } });
const notices = (to: string) => getDb().mailMessage.count({ where: { template: 'block_notice', to } });
const noticesOf = (blockId: string) =>
  getDb().mailMessage.count({ where: mailAbout('block_notice', blockId) });
const policy = (accountId: string) => getDb().$transaction((tx) => liftIfRotated(tx, accountId));
const rotate = (username: string) =>
  getDb().sipCredential.update({ where: { username }, data: { passwordChangedAt: new Date() } });
const second = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);

/**
 * The switch client of a switch on which something happens while Tollgate's blocking PUT is on its
 * way: `before` runs before the PUT reaches the switch (its fraud rule fires), `after` once the switch
 * applied it and before Tollgate reads the answer (an event that overtakes the answer).
 */
function meanwhile(
  base: SwitchClient,
  on: { before?: () => Promise<void>; after?: () => Promise<void> },
): SwitchClient {
  return {
    ...base,
    async setInternationalCalling(n, change, key, opts) {
      if (change.state === 'blocked') await on.before?.();
      const res = await base.setInternationalCalling(n, change, key, opts);
      if (change.state === 'blocked') await on.after?.();
      return res;
    },
  };
}

const onSwitch = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body as {
    internationalCalling: string;
    blockedAt: string;
    reason: string | null;
  };

describe.each(dialects())('a switch that echoes Tollgate’s own blocks, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  /** Support places a manual block on an allowed account; returns the account and the member's address. */
  async function manualBlockAsked() {
    const made = await allowedAccount();
    const agent = await makeStaff();
    expect(
      await placeManualBlock(
        agent,
        { accountNumber: made.account.number, note: 'Customer asked us to block.' },
        meta,
      ),
    ).toMatchObject({ ok: true });
    return { ...made, email: made.users[0].email };
  }

  it('manual block, the answer first and the echo after: one block, one notice', async () => {
    const { account, email } = await manualBlockAsked();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    const [manual] = await openBlocks(account.id);
    expect(manual).toMatchObject({ reason: 'manual', sourceEventId: null });
    const s = await onSwitch(account.number);
    const echo = echoOf(account.number, s.blockedAt, s.reason);
    expect(await deliver(echo)).toMatchObject({ status: 200, body: { duplicate: false } });

    const open = await openBlocks(account.id);
    expect(open.map((b) => b.id)).toEqual([manual.id]);
    expect(open[0].sourceEventId).toBe(echo.id);
    expect(await notices(email)).toBe(1);
    const audit = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'switch.block.placed', targetId: echo.id },
    });
    expect(JSON.parse(audit.detail!)).toMatchObject({ blockId: manual.id, attachedTo: 'own_placement' });

    // A block the switch places in another second is another block, with its own notice.
    const later = placedEvent(account.number, { at: new Date(Date.parse(s.blockedAt) + 5000) });
    expect(await deliver(later)).toMatchObject({ status: 200 });
    expect(await openBlocks(account.id)).toHaveLength(2);
    expect(await notices(email)).toBe(2);
  });

  it('manual block, the echo first and the answer after: one block, one notice, the answer records nothing more', async () => {
    const { account, email } = await manualBlockAsked();
    const echoes: string[] = [];
    expect(await processSwitchOutbox({ client: echoingFirst(client(), echoes) })).toBe(1);
    expect(echoes).toHaveLength(1);

    const open = await openBlocks(account.id);
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ reason: 'manual', sourceEventId: echoes[0] });
    expect(open[0].placedAt.toISOString()).toBe(
      new Date((await onSwitch(account.number)).blockedAt).toISOString(),
    );
    expect(await notices(email)).toBe(1);
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { accountNumber: account.number } });
    expect(op).toMatchObject({ status: 'done', blockId: open[0].id });
    expect(await getDb().syncIssue.count({ where: { accountId: account.id } })).toBe(0);
  });

  /**
   * A block from the switch's event (calls through both credentials, its notice queued), then lifted
   * on the switch with its `block.lifted` lost: the reconciler places it again (a re-apply waiting in
   * the outbox). Returns the account, the block and the member's address.
   */
  async function reapplyQueued() {
    const made = await allowedAccount();
    const n = made.account.number;
    const at = new Date(Date.now() - 60_000);
    await sim.control('PUT', `/_sim/accounts/${n}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: at.toISOString(),
      credentials: [],
    });
    const fraud = placedEvent(n, { at, from: made.creds.map((c) => c.username) });
    expect(await deliver(fraud)).toMatchObject({ status: 200 });
    const block = await getDb().block.findUniqueOrThrow({ where: { sourceEventId: fraud.id } });
    await sim.control('PUT', `/_sim/accounts/${n}`, { internationalCalling: 'allowed', credentials: [] });
    const pass = () => reconcilePass({ client: client(), differenceWaitMs: 0, accountNumbers: [n] });
    expect((await pass()).difference_seen).toBe(1);
    expect((await pass()).reapplied_on_switch).toBe(1);
    const email = made.users[0].email;
    expect(await notices(email)).toBe(1);
    return { ...made, block, email, fraud };
  }

  it('a block placed again, the answer first and the echo after: still one block with its calls, no new notice', async () => {
    const { account, block, email, fraud } = await reapplyQueued();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    const s = await onSwitch(account.number);
    expect(s.internationalCalling).toBe('blocked');
    const echo = echoOf(account.number, s.blockedAt, s.reason);
    expect(await deliver(echo)).toMatchObject({ status: 200, body: { duplicate: false } });

    const open = await openBlocks(account.id);
    expect(open.map((b) => b.id)).toEqual([block.id]);
    expect(open[0].sourceEventId).toBe(fraud.id); // its own event stays
    expect(await getDb().triggerCall.count({ where: { blockId: block.id } })).toBe(2);
    expect(await notices(email)).toBe(1);
  });

  it('a block placed again, the echo first and the answer after: still one block, the re-apply confirmed once', async () => {
    const { account, block, email } = await reapplyQueued();
    const echoes: string[] = [];
    expect(await processSwitchOutbox({ client: echoingFirst(client(), echoes) })).toBe(1);
    expect(echoes).toHaveLength(1);

    const open = await openBlocks(account.id);
    expect(open.map((b) => b.id)).toEqual([block.id]);
    expect(await notices(email)).toBe(1);
    const op = await getDb().switchOperation.findFirstOrThrow({
      where: { accountNumber: account.number, kind: 'reapply' },
    });
    expect(op.status).toBe('done');
    // The block's timeline says once that it was placed again on the switch.
    const again = await getDb().blockEvent.count({
      where: { blockId: block.id, type: 'placed', actor: 'tollgate' },
    });
    expect(again).toBe(1);
  });

  // Review of f891c1a: an event was taken for Tollgate's own block whatever it said. With the bundled
  // Kamailio, the fraud rule blocks the account at T and its event is late (a 503, the sender's
  // backoff); support, seeing nothing, blocks by hand, and the switch answers "already blocked"
  // keeping T and the fraud's reason. That answer became a manual block dated T, and the fraud event
  // then joined it: one block with reason `manual`, the manual notice only (no "change the password
  // of …"), which no rotation could lift.

  /** The switch's fraud rule blocked the account at `at`; its event (calls through `from`), not sent yet. */
  async function fraudOnSwitch(n: string, at: Date, from: string[], reason = 'high_risk_destination') {
    await sim.control('PUT', `/_sim/accounts/${n}`, {
      internationalCalling: 'blocked',
      reason,
      blockedAt: at.toISOString(),
      credentials: [],
    });
    return placedEvent(n, { at, from, reason });
  }

  it('support blocks while the switch’s fraud block has no event yet, the answer first: the fraud block is shown with its calls and its notice; support’s block stays', async () => {
    const { account, creds, email } = await manualBlockAsked();
    const agentOp = await getDb().switchOperation.findFirstOrThrow({
      where: { accountNumber: account.number },
    });
    const at = new Date(Date.now() - 60_000);
    const fraud = await fraudOnSwitch(account.number, at, [creds[1].username]);
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    expect(await onSwitch(account.number)).toMatchObject({ reason: 'high_risk_destination' });

    // The switch's block as the switch has it (its reason, its time), and support's own, dated when
    // the switch answered support, not at the fraud's time.
    const open = await openBlocks(account.id);
    const theirs = open.find((b) => b.reason === 'high_risk_destination');
    const mine = open.find((b) => b.reason === 'manual');
    expect(open).toHaveLength(2);
    expect(theirs).toMatchObject({ placedBy: 'switch', sourceEventId: null });
    expect(theirs!.placedAt.toISOString()).toBe(at.toISOString());
    expect(second(mine!.placedAt)).toBeGreaterThan(second(at));
    expect(await getDb().switchOperation.findUniqueOrThrow({ where: { id: agentOp.id } })).toMatchObject({
      status: 'done',
      blockId: mine!.id,
    });
    // The agent learns the switch had blocked the account already.
    const issues = await getDb().syncIssue.findMany({ where: { accountId: account.id } });
    expect(issues).toEqual([
      expect.objectContaining({ action: 'blocked_in_portal', switchState: 'blocked' }),
    ]);
    const audit = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'block.placed', targetId: mine!.id },
    });
    expect(JSON.parse(audit.detail!)).toMatchObject({
      switchReason: 'high_risk_destination',
      switchBlockedAt: at.toISOString(),
    });

    // The fraud event, late: its calls go to the fraud block, never to support's.
    expect(await deliver(fraud)).toMatchObject({ status: 200, body: { duplicate: false } });
    expect((await openBlocks(account.id)).map((b) => b.id).sort()).toEqual([theirs!.id, mine!.id].sort());
    expect(await getDb().triggerCall.count({ where: { blockId: theirs!.id } })).toBe(1);
    expect(await getDb().triggerCall.count({ where: { blockId: mine!.id } })).toBe(0);
    // Each block its own notice: the fraud's (with its calls, once its event came) and support's.
    expect(await noticesOf(theirs!.id)).toBe(1);
    expect(await noticesOf(mine!.id)).toBe(1);
    expect(await notices(email)).toBe(2);

    // Support's intent holds when the fraud block would be lifted: rotating the password lifts nothing.
    await rotate(creds[1].username);
    expect(await policy(account.id)).toEqual([]);
    expect(await openBlocks(account.id)).toHaveLength(2);
  });

  it('support blocks while the switch’s fraud block has no event yet, the event first: it is the fraud block, not support’s', async () => {
    const { account, creds, email } = await manualBlockAsked();
    const at = new Date(Date.now() - 60_000);
    const fraud = await fraudOnSwitch(account.number, at, [creds[1].username]);
    const sent = async () => {
      expect(await deliver(fraud)).toMatchObject({ status: 200, body: { duplicate: false } });
    };
    expect(await processSwitchOutbox({ client: meanwhile(client(), { after: sent }) })).toBe(1);

    const open = await openBlocks(account.id);
    expect(open).toHaveLength(2);
    const theirs = open.find((b) => b.sourceEventId === fraud.id);
    const mine = open.find((b) => b.reason === 'manual');
    expect(theirs).toMatchObject({ reason: 'high_risk_destination', placedBy: 'switch' });
    expect(await getDb().triggerCall.count({ where: { blockId: theirs!.id } })).toBe(1);
    expect(mine).toMatchObject({ sourceEventId: null });
    expect(second(mine!.placedAt)).toBeGreaterThan(second(at));
    expect(await noticesOf(theirs!.id)).toBe(1);
    expect(await noticesOf(mine!.id)).toBe(1);
    expect(await notices(email)).toBe(2);
    // The portal showed the fraud block before the answer came: nothing was out of sync.
    expect(await getDb().syncIssue.count({ where: { accountId: account.id } })).toBe(0);
    await rotate(creds[1].username);
    expect(await policy(account.id)).toEqual([]);
  });

  it('a manual block of the switch’s own, from before support’s, arriving while support’s is on its way, is not taken for it', async () => {
    const { account, email } = await manualBlockAsked();
    const op = await getDb().switchOperation.findFirstOrThrow({ where: { accountNumber: account.number } });
    // The provider's NOC blocked the account by hand on the switch five seconds before support did.
    const at = new Date(op.createdAt.getTime() - 5000);
    const noc = await fraudOnSwitch(account.number, at, [], 'manual');
    const sent = async () => {
      expect(await deliver(noc)).toMatchObject({ status: 200, body: { duplicate: false } });
    };
    expect(await processSwitchOutbox({ client: meanwhile(client(), { after: sent }) })).toBe(1);

    const open = await openBlocks(account.id);
    expect(open).toHaveLength(2);
    const theirs = open.find((b) => b.sourceEventId === noc.id);
    const mine = open.find((b) => b.id !== theirs?.id);
    expect(theirs).toMatchObject({ reason: 'manual', placedBy: 'switch' });
    expect(mine).toMatchObject({ reason: 'manual', sourceEventId: null });
    expect(second(mine!.placedAt)).toBeGreaterThan(second(at));
    expect(await notices(email)).toBe(2);
  });

  it('an event of another reason without calls, while support’s block is on its way, is a block of its own', async () => {
    const { account, email } = await manualBlockAsked();
    const at = new Date();
    const other = await fraudOnSwitch(account.number, at, [], 'suspicious_pattern');
    const sent = async () => {
      expect(await deliver(other)).toMatchObject({ status: 200, body: { duplicate: false } });
    };
    expect(await processSwitchOutbox({ client: meanwhile(client(), { after: sent }) })).toBe(1);

    const open = await openBlocks(account.id);
    expect(open).toHaveLength(2);
    expect(open.find((b) => b.sourceEventId === other.id)).toMatchObject({ reason: 'suspicious_pattern' });
    expect(open.find((b) => b.reason === 'manual')).toMatchObject({ sourceEventId: null });
    expect(await notices(email)).toBe(2);
  });

  it('an event in the second of support’s block is its echo only with reason manual and no calls', async () => {
    const { account, creds, email } = await manualBlockAsked();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    const [manual] = await openBlocks(account.id);
    const s = await onSwitch(account.number);
    expect(s.reason).toBe('manual');
    const at = new Date(s.blockedAt);
    // The switch's fraud rule in that very second, or a manual block it reports with calls: blocks of their own.
    const other = placedEvent(account.number, { at, reason: 'suspicious_pattern' });
    const withCalls = placedEvent(account.number, { at, reason: 'manual', from: [creds[0].username] });
    for (const e of [other, withCalls])
      expect(await deliver(e)).toMatchObject({ status: 200, body: { duplicate: false } });

    const open = await openBlocks(account.id);
    expect(open).toHaveLength(3);
    expect(open.find((b) => b.id === manual.id)).toMatchObject({ sourceEventId: null });
    expect(open.find((b) => b.sourceEventId === other.id)).toMatchObject({ reason: 'suspicious_pattern' });
    expect(open.find((b) => b.sourceEventId === withCalls.id)).toMatchObject({ reason: 'manual' });
    expect(await getDb().triggerCall.count({ where: { blockId: manual.id } })).toBe(0);
    expect(await notices(email)).toBe(3);

    // Its echo still joins it.
    const echo = echoOf(account.number, s.blockedAt, s.reason);
    expect(await deliver(echo)).toMatchObject({ status: 200 });
    expect(await openBlocks(account.id)).toHaveLength(3);
    expect(await notices(email)).toBe(3);
  });

  it('the switch’s fraud rule fires while a block placed again is on its way: a new block with its own notice', async () => {
    const { account, block, creds, email } = await reapplyQueued();
    const at = new Date();
    const fraud = placedEvent(account.number, { at, from: [creds[0].username], to: '+2399912345' });
    const fires = async () => {
      await fraudOnSwitch(account.number, at, []);
      expect(await deliver(fraud)).toMatchObject({ status: 200, body: { duplicate: false } });
    };
    expect(await processSwitchOutbox({ client: meanwhile(client(), { before: fires }) })).toBe(1);

    const open = await openBlocks(account.id);
    expect(open).toHaveLength(2);
    const fresh = open.find((b) => b.sourceEventId === fraud.id);
    expect(fresh).toMatchObject({ reason: 'high_risk_destination' });
    expect(await getDb().triggerCall.count({ where: { blockId: fresh!.id } })).toBe(1);
    expect(await getDb().triggerCall.count({ where: { blockId: block.id } })).toBe(2);
    expect(await noticesOf(fresh!.id)).toBe(1);
    expect(await notices(email)).toBe(2);
  });

  it('a block placed again, then the switch’s fraud rule in the same second with that block’s reason: a new block', async () => {
    const { account, block, creds, email } = await reapplyQueued();
    expect(await processSwitchOutbox({ client: client() })).toBe(1);
    const s = await onSwitch(account.number);
    const fraud = placedEvent(account.number, {
      at: new Date(s.blockedAt),
      from: [creds[1].username],
      reason: block.reason,
    });
    expect(await deliver(fraud)).toMatchObject({ status: 200, body: { duplicate: false } });
    const open = await openBlocks(account.id);
    expect(open).toHaveLength(2);
    expect(await getDb().triggerCall.count({ where: { blockId: block.id } })).toBe(2);
    expect(await notices(email)).toBe(2);
  });

  // Review of f891c1a: the echo that confirms a block placed again must run the rotation policy, as
  // the switch's answer does: a rotation completed while the re-apply waited had its lift refused
  // (the switch was busy), and nothing checked it again.
  it('the echo of a block placed again, first, lifts the block whose every named password was changed meanwhile', async () => {
    const { account, block, creds } = await reapplyQueued();
    for (const c of creds) await rotate(c.username);
    expect(await policy(account.id)).toEqual([]); // the re-apply is on its way: switch_busy
    const echoes: string[] = [];
    await processSwitchOutbox({ client: echoingFirst(client(), echoes) });
    expect(echoes).toHaveLength(1);
    const lift = await getDb().switchOperation.findFirst({
      where: { accountNumber: account.number, kind: 'lift' },
    });
    expect(lift).not.toBeNull();
    expect(JSON.parse(lift!.payload)).toMatchObject({ actor: 'policy', blockIds: [block.id] });
  });
});
