import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { killWhen, startCrashChild } from '@/tests/helpers/crash';
import { type Dialect, dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// Drill 3 (docs/operations.md, "What happens if the portal dies during …"): a portal process runs a
// reconciler pass over three accounts that each need a write (two blocked on the switch only, one
// blocked in the portal only, its difference already seen a pass ago) and is killed with SIGKILL
// in the middle of it. On PostgreSQL the kill lands inside the first account's transaction, after
// its block row was written (the test holds a lock its SyncIssue insert waits for); on SQLite, whose
// one writer cannot be held from outside, between two accounts, with the second one's GET on the
// wire. The restart's passes then leave each account reconciled once.

let sim: TestSim;
appSimPerFile((s) => (sim = s));
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 5000, retries: 0, log: () => {} });
const changes = async (n: string) =>
  (await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCallingChanges as number;

/** An account the switch blocks and the portal does not know blocked; compared `minutesAgo` ago. */
async function blockedOnSwitchOnly(minutesAgo: number) {
  const { account } = await makeAccount({ members: [uniqueEmail('rec')] });
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    blockedAt: new Date(Date.now() - 3600_000).toISOString(),
    credentials: [],
  });
  const lastReconciledAt = new Date(Date.now() - minutesAgo * 60_000);
  await getDb().customerAccount.update({
    where: { id: account.id },
    data: { reconcileDue: true, lastReconciledAt },
  });
  return account;
}

/** An account blocked in the portal that the switch allows, the difference first seen 10 minutes ago. */
async function blockedInPortalOnly(minutesAgo: number) {
  const { account } = await makeAccount({ members: [uniqueEmail('rec')] });
  await sim.control('PUT', `/_sim/accounts/${account.number}`, {
    internationalCalling: 'allowed',
    credentials: [],
  });
  await makeBlock(account.id, { placedAt: new Date(Date.now() - 3600_000) });
  const lastReconciledAt = new Date(Date.now() - minutesAgo * 60_000);
  const differenceSeenAt = new Date(Date.now() - 10 * 60_000);
  await getDb().customerAccount.update({
    where: { id: account.id },
    data: { reconcileDue: true, lastReconciledAt, differenceSeenAt },
  });
  return account;
}

/**
 * Kills `child` inside the first account's transaction (PostgreSQL): a SHARE lock on "SyncIssue"
 * makes its insert wait after the block row is written; the kill comes while it waits, then the
 * lock is released and the dead connection's backend, finding its client gone, rolls back and ends.
 */
async function killInsideTransaction(start: () => ReturnType<typeof startCrashChild>) {
  const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await holder.connect();
  try {
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE "SyncIssue" IN SHARE MODE');
    let waiting: number | null = null;
    await killWhen(start(), async () => {
      // A transaction reads pg_stat_activity once unless told to read it again.
      await holder.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await holder.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%SyncIssue%'`,
      );
      waiting = rows[0]?.pid ?? null;
      return waiting !== null;
    });
    await holder.query('COMMIT');
    for (let i = 0; i < 500; i++) {
      const { rowCount } = await holder.query('SELECT 1 FROM pg_stat_activity WHERE pid = $1', [waiting]);
      if (!rowCount) return;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error("the dead process's backend did not end");
  } finally {
    await holder.end();
  }
}

describe.each(dialects())('the portal killed during a reconciler pass, on %s', (dialect: Dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('no account is left half-reconciled: one block, one SyncIssue, one notice, one placement each', async () => {
    const [a, b] = [await blockedOnSwitchOnly(60), await blockedOnSwitchOnly(50)];
    const c = await blockedInPortalOnly(40);
    const numbers = [a.number, b.number, c.number];
    const start = () =>
      startCrashChild('reconcile', { accountNumbers: numbers }, { SIM_URL: sim.url, SIM_TOKEN: TOKEN });
    const cChanges = await changes(c.number);
    const db = getDb();
    if (dialect === 'postgresql') {
      await killInsideTransaction(start);
      expect(await db.block.count({ where: { accountId: a.id } })).toBe(0); // rolled back whole
    } else {
      await sim.control('PUT', `/_sim/faults/${b.number}`, { delayMs: 5000, delayNext: 1, method: 'GET' });
      const onTheWire = async () =>
        ((await sim.control('GET', '/_sim/requests')).body.requests as { path: string }[]).some((r) =>
          r.path.endsWith(b.number),
        );
      await killWhen(start(), onTheWire);
      await sim.control('DELETE', `/_sim/faults/${b.number}`);
      expect(await db.block.count({ where: { accountId: a.id } })).toBe(1); // committed before the kill
    }
    expect(await db.block.count({ where: { accountId: b.id } })).toBe(0);

    // The restart: passes until nothing differs, the outbox sending what they queued in between.
    await reconcilePass({ client: client(), accountNumbers: numbers });
    await processSwitchOutbox({ client: client(), owner: 'restarted' });
    const last = await reconcilePass({ client: client(), accountNumbers: numbers });

    const per = async (id: string) => ({
      blocks: await db.block.count({ where: { accountId: id, status: { in: ['active', 'lift_pending'] } } }),
      syncIssues: await db.syncIssue.count({ where: { accountId: id } }),
      notices: await db.mailMessage.count({
        where: {
          template: 'block_notice',
          payload: { contains: (await db.block.findFirst({ where: { accountId: id } }))!.id },
        },
      }),
      placements: await db.switchOperation.count({
        where: { accountNumber: (await db.customerAccount.findUniqueOrThrow({ where: { id } })).number },
      }),
    });
    expect({ a: await per(a.id), b: await per(b.id), c: await per(c.id) }).toEqual({
      a: { blocks: 1, syncIssues: 1, notices: 1, placements: 0 },
      b: { blocks: 1, syncIssues: 1, notices: 1, placements: 0 },
      c: { blocks: 1, syncIssues: 1, notices: 0, placements: 1 },
    });
    expect((await changes(c.number)) - cChanges).toBe(1);
    expect(last).toMatchObject({ in_sync: 3, reapplied_on_switch: 0, blocked_in_portal: 0 });
  });
});
