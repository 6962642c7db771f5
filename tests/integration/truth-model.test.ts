import { beforeAll, describe, it } from 'vitest';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { checkTruth } from '@/tests/helpers/truth-model';
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

describe.each(dialects())('portal and switch agree after any interleaving on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it(`${RUNS} random schedules`, async () => {
    await checkTruth(sim, RUNS, SEED);
  }, 600_000);
});
