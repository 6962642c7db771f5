import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DEMO_ACCOUNTS } from '../lib/demo/data';
import { provisionSimulator, waitForHttp } from '../scripts/lib/demo-switch';
import {
  freeTcpPort,
  killGroupOnExit,
  startPortal as startOwnPortal,
  stopGroup,
} from '../e2e/support/kamailio-portal';

export const BENCH_SECRET = 'bench-auth-secret-bench-auth-secret-0123';
const SWITCH_TOKEN = 'bench-switch-token-0123456789';

/**
 * The switch simulator (`switch/simulator/cli.ts serve`, its own process, as in the demo and the e2e
 * suite) on a free port with a fresh data file, given the demo accounts, their SIP credentials and
 * their phones' registrations (scripts/lib/demo-switch.ts). Pass its `env` to `startPortal` so that
 * the portal's switch reads (the block page's registered devices) are answered as in production,
 * not refused. It runs at nice 10: on this two-core machine a real switch's CPU is not the portal's,
 * so the simulator yields the cores to the portal under load. No events are sent (no webhook secret).
 */
export async function startSwitchSim(): Promise<{ env: Record<string, string>; stop: () => void }> {
  fs.mkdirSync(path.resolve('bench/results'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(path.resolve('bench/results'), 'sim-'));
  const port = await freeTcpPort();
  const url = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'switch-sim.log'), 'a');
  const { SWITCH_WEBHOOK_SECRET: _unset, ...inherited } = process.env;
  const child = spawn(
    'nice',
    ['-n', '10', path.resolve('node_modules/.bin/tsx'), 'switch/simulator/cli.ts', 'serve'],
    {
      env: {
        ...inherited,
        SWITCH_API_TOKEN: SWITCH_TOKEN,
        SWITCH_SIM_PORT: String(port),
        SWITCH_SIM_DATA: path.join(dir, 'switch-sim.db'),
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  fs.closeSync(log);
  // SIGTERM now; what is left of the group when this process exits is killed then.
  killGroupOnExit(child);
  const stop = () => void stopGroup(child);
  try {
    await waitForHttp(`${url}/healthz`, 30_000);
    await provisionSimulator(
      { ...process.env, SWITCH_API_TOKEN: SWITCH_TOKEN, SWITCH_SIM_CONTROL_URL: url },
      DEMO_ACCOUNTS,
    );
  } catch (e) {
    stop();
    throw e;
  }
  return { env: { SWITCH_API_URL: url, SWITCH_API_TOKEN: SWITCH_TOKEN }, stop };
}

/**
 * The production build on a fresh (or given), migrated, demo-seeded database (needs `npm run build`).
 * `appDir`: serve another tree's build instead (a baseline built in a copy of main, say).
 * `seed: false`: no demo seed (a second server on a database the first one already seeded).
 */
export async function startPortal(
  opts: { databaseUrl?: string; env?: Record<string, string>; appDir?: string; seed?: boolean } = {},
): Promise<{ url: string; databaseUrl: string; logFile: string; stop: () => void }> {
  fs.mkdirSync(path.resolve('bench/results'), { recursive: true });
  const dir = fs.mkdtempSync(path.join(path.resolve('bench/results'), 'run-'));
  const portal = await startOwnPortal({
    dir,
    databaseUrl: opts.databaseUrl,
    appDir: opts.appDir,
    seed: opts.seed === false ? undefined : { script: 'e2e/support/seed.ts' },
    env: {
      AUTH_SECRET: BENCH_SECRET,
      SWITCH_API_URL: 'http://127.0.0.1:9',
      SWITCH_API_TOKEN: SWITCH_TOKEN,
      SWITCH_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789-0123456789',
      TOLLGATE_DEMO: '1',
      TOLLGATE_WORKERS: '0',
      ...opts.env,
    },
  });
  return {
    url: portal.url,
    databaseUrl: portal.databaseUrl,
    logFile: portal.logFile,
    stop: () => void portal.stop(),
  };
}
