import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { placeManualBlock } from '@/lib/blocks/manual';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { createSwitchClient, type SwitchClient } from '@/lib/switch/client';
import { blockReasons } from '@/lib/switch/events-schema';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeStaff } from '@/tests/helpers/factory';
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
  const made = await makeAccount({ members: [`echo-${crypto.randomUUID()}@t.example`] });
  await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
    internationalCalling: 'allowed',
    credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
  });
  return made;
}

const openBlocks = (accountId: string) =>
  getDb().block.findMany({ where: { accountId, status: { in: ['active', 'lift_pending'] } } });
const notices = (to: string) => getDb().mailMessage.count({ where: { template: 'block_notice', to } });
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
});
