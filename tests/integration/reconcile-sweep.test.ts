import { beforeAll, describe, expect, it } from 'vitest';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// The reconciler's sweep (lib/blocks/reconcile.ts): a block.placed the switch never delivered (its
// sender gave up while the portal was down) leaves the account quiet in the portal: no block, no
// change, nothing uncertain, so the passes that follow those never read it. The sweep reads the
// quiet accounts too, least recently compared first, so the difference is found within a day.

let sim: TestSim;
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
appSimPerFile((s) => (sim = s));

async function quietAccount(state: 'blocked' | 'allowed', lastReconciledAt: Date | null, onSwitch = true) {
  const made = await makeAccount({ members: [uniqueEmail('sweep')] });
  if (onSwitch)
    await sim.control('PUT', `/_sim/accounts/${made.account.number}`, {
      internationalCalling: state,
      reason: state === 'blocked' ? 'high_risk_destination' : null,
      blockedAt: state === 'blocked' ? new Date(Date.now() - 3 * 86_400_000).toISOString() : null,
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
  await getDb().customerAccount.update({
    where: { id: made.account.id },
    data: { reconcileDue: false, switchAppliedAt: null, lastReconciledAt },
  });
  return made.account;
}

const lastCompared = async (id: string) =>
  (await getDb().customerAccount.findUniqueOrThrow({ where: { id } })).lastReconciledAt;

describe.each(dialects())('the reconciler sweeps quiet accounts on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('finds a block the switch holds on an account with nothing to follow, and tells the customer', async () => {
    const a = await quietAccount('blocked', new Date(Date.now() - 2 * 86_400_000));
    const counts = await reconcilePass({ client: client(), differenceWaitMs: 0, accountNumbers: [a.number] });
    expect(counts.blocked_in_portal).toBe(1);
    const block = await getDb().block.findFirstOrThrow({ where: { accountId: a.id, status: 'active' } });
    expect(block.reason).toBe('high_risk_destination');
    expect(
      await getDb().mailMessage.count({
        where: { template: 'block_notice', payload: { contains: block.id } },
      }),
    ).toBe(1);
  });

  it('reads the least recently compared first, never-compared before all, and moves on', async () => {
    const base = Date.now() - 30 * 86_400_000;
    // 12 quiet accounts in agreement with the switch: the sweep reads at least 10 a pass.
    const accounts = [await quietAccount('allowed', null)];
    for (let i = 1; i < 12; i++) accounts.push(await quietAccount('allowed', new Date(base + i * 60_000)));
    const only = accounts.map((a) => a.number);
    const first = await reconcilePass({ client: client(), accountNumbers: only });
    expect(first.in_sync).toBe(10);
    const after = await Promise.all(accounts.map((a) => lastCompared(a.id)));
    expect(after.slice(0, 10).every((d) => d !== null && d.getTime() > Date.now() - 60_000)).toBe(true);
    expect(after.slice(10).map((d) => d?.getTime())).toEqual([base + 10 * 60_000, base + 11 * 60_000]);
    // The next pass starts with the two it left.
    const second = await reconcilePass({ client: client(), accountNumbers: only });
    expect(second.in_sync).toBe(10);
    expect((await lastCompared(accounts[11].id))!.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });

  it('an account the switch does not know is noted as compared, so it does not hold the sweep', async () => {
    const unknown = await quietAccount('allowed', null, false);
    const counts = await reconcilePass({ client: client(), accountNumbers: [unknown.number] });
    expect(counts.unreadable).toBe(1);
    expect(await lastCompared(unknown.id)).not.toBeNull();
    expect(await getDb().block.count({ where: { accountId: unknown.id } })).toBe(0);
  });

  it('the late block.placed of a block the reconciler found adds its calls to it, not a second block', async () => {
    // The switch blocked at T; its event was refused (a 413) or lost, and the sweep found the block.
    const made = await makeAccount({ members: [uniqueEmail('late')] });
    const a = made.account;
    const t = new Date(Date.now() - 3_600_000);
    await sim.control('PUT', `/_sim/accounts/${a.number}`, {
      internationalCalling: 'blocked',
      reason: 'high_risk_destination',
      blockedAt: t.toISOString(),
      credentials: made.creds.map((c) => ({ username: c.username, password: 'old-password-0' })),
    });
    expect((await reconcilePass({ client: client(), accountNumbers: [a.number] })).blocked_in_portal).toBe(1);
    const found = await getDb().block.findFirstOrThrow({ where: { accountId: a.id, status: 'active' } });
    expect(found.sourceEventId).toBeNull();

    // The switch re-sends the latest calls that fit, dated when its block took effect.
    const late = placedEvent(a.number, { at: t, from: [made.creds[0].username, made.creds[1].username] });
    expect(await deliver(late)).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await deliver(late)).toMatchObject({ status: 200, body: { duplicate: true } });
    const open = await getDb().block.findMany({
      where: { accountId: a.id, status: { in: ['active', 'lift_pending'] } },
      include: { calls: true },
    });
    expect(open.map((b) => ({ id: b.id, source: b.sourceEventId, calls: b.calls.length }))).toEqual([
      { id: found.id, source: late.id, calls: 2 },
    ]);
    const notices = await getDb().mailMessage.count({
      where: { template: 'block_notice', payload: { contains: found.id } },
    });
    expect(notices).toBe(1);

    // A block.placed dated after the found block is a new block on the switch: a second block.
    const newer = placedEvent(a.number, { at: new Date(), from: [made.creds[0].username] });
    expect((await deliver(newer)).status).toBe(200);
    expect(await getDb().block.count({ where: { accountId: a.id, status: 'active' } })).toBe(2);
  });
});
