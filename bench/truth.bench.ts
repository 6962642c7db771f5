// `npm run bench -- truth`: issue 10's model-based check at nightly size. Runs the same property as
// tests/integration/truth-model.test.ts (random interleavings of switch events, resets, staff
// decisions, faults and killed workers; after quiescence the portal equals the switch simulator) with
// TRUTH_RUNS schedules per database (default 1000) on SQLite and on a throwaway PostgreSQL. A failure
// prints fast-check's seed; replay it with TRUTH_SEED=<seed> npx vitest run tests/integration/truth-model.test.ts.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort } from '../e2e/support/kamailio-portal';
import { envInt, round, runBench, finishResult } from './harness/report';

runBench(async () => {
  const runs = envInt('TRUTH_RUNS', 1000);
  const startedAt = new Date().toISOString();
  const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-truth-pg-'));
  const url = execFileSync('bash', ['scripts/pg-cluster.sh', 'start', pgDir, String(await freeTcpPort())], {
    encoding: 'utf8',
  }).trim();
  let exit: number | null;
  const t0 = Date.now();
  try {
    const r = spawnSync(
      path.resolve('node_modules/.bin/vitest'),
      ['run', 'tests/integration/truth-model.test.ts'],
      { stdio: 'inherit', env: { ...process.env, TRUTH_RUNS: String(runs), TEST_PG_URL: url, CI: 'true' } },
    );
    exit = r.status;
  } finally {
    execFileSync('bash', ['scripts/pg-cluster.sh', 'stop', pgDir], { stdio: 'ignore' });
  }
  const seconds = (Date.now() - t0) / 1000;
  const ok = exit === 0;
  return finishResult(
    startedAt,
    'truth',
    'Portal and switch agree after random interleavings (model-based)',
    {
      params: { schedulesPerDatabase: runs, databases: ['sqlite', 'postgresql'] },
      checks: [
        {
          name: 'every schedule ends with portal = switch, nothing pending, events once',
          ok,
          detail: ok ? `${runs * 2} schedules passed` : `vitest exited ${exit}`,
        },
      ],
      ok,
      summary: {
        schedules: String(runs * 2),
        seconds: String(round(seconds)),
        'ms per schedule': String(round((seconds * 1000) / (runs * 2))),
      },
      data: {},
    },
  );
});
