import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { checkTruth, runSchedule, type Schedule, type Step } from '@/tests/helpers/truth-model';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// Issue 10's proof: random interleavings of switch events (in and out of order, duplicated), policy
// lifts after resets, staff approvals, manual blocks and lifts, switch faults and a worker killed
// mid-call. 30 schedules per database here (fast-check draws new ones on every run, so CI covers more
// over time); 1000 per database in `npm run bench -- truth`.
// Replay a failure with TRUTH_SEED=<the seed fast-check printed>.

const RUNS = Number(process.env.TRUTH_RUNS ?? 30);
const SEED = process.env.TRUTH_SEED ? Number(process.env.TRUTH_SEED) : undefined;

// One simulator for the whole file: the app's own switch client (env, cached) points at it.
let sim: TestSim;
// One simulator for the whole file: the app's own switch client (env, cached) points at it.
appSimPerFile((s) => (sim = s));

// The delivery order of seed 69189538's counterexample (events left for quiescence, in this order).
const DELIVERY = [
  1257691105, 1981625639, 1523741548, 1711842311, 2016050475, 8, 891891094, 2100097950, 653640627, 1795777479,
  19, 2081020499, 1893110198, 2147483629, 928980918, 9, 885258554, 469631213, 2070481277, 695801331,
];
const schedule = (...steps: Step['t'][]): Schedule => ({
  steps: steps.map((t) => ({ t }) as Step),
  deliveryOrder: DELIVERY,
});

describe.each(dialects())('portal and switch agree after any interleaving on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  // Seed 69189538, shrunk by hand: support's block reaches the switch while the switch's own fraud
  // block is in force and its block.placed is still on its way (no fault). The answer describes the
  // fraud block; the portal shows it and lists the account for support (by design: the answer's
  // report, which the model took for the reconciler's repair). The event, delivered later, joins
  // that block with its call: the fraud block and support's, one row in "Out of sync", no third block.
  it.each([
    ['support’s block, then the fraud', schedule('staffPlace', 'fraud', 'outbox')],
    ['the fraud, then support’s block', schedule('fraud', 'staffPlace', 'outbox')],
  ])('%s, answered before the fraud’s event lands', async (_, s) => {
    const n = await runSchedule(sim, s);
    const db = getDb();
    const account = await db.customerAccount.findUniqueOrThrow({ where: { number: n } });
    const open = await db.block.findMany({
      where: { accountId: account.id, status: 'active' },
      include: { calls: true },
    });
    expect(open.map((b) => b.reason).sort()).toEqual(['high_risk_destination', 'manual']);
    const fraud = open.find((b) => b.reason === 'high_risk_destination')!;
    expect(fraud.sourceEventId).not.toBeNull();
    expect(fraud.calls).toHaveLength(1);
    expect(await db.syncIssue.findMany({ where: { accountId: account.id } })).toEqual([
      expect.objectContaining({
        action: 'blocked_in_portal',
        portalState: 'allowed',
        switchState: 'blocked',
      }),
    ]);
  });

  it('seed 69189538’s counterexample, as fast-check drew it', async () => {
    await runSchedule(
      sim,
      schedule(
        'switchLift',
        'approve',
        'staffPlace',
        'rotate',
        'fraud',
        'outbox',
        'fraud',
        'switchLift',
        'staffLift',
        'switchLift',
        'approve',
      ),
    );
  });

  it(`${RUNS} random schedules`, async () => {
    await checkTruth(sim, RUNS, SEED);
  }, 600_000);
});
