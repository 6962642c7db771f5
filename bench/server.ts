import fs from 'node:fs';
import path from 'node:path';
import { startPortal as startOwnPortal } from '../e2e/support/kamailio-portal';

export const BENCH_SECRET = 'bench-auth-secret-bench-auth-secret-0123';

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
      SWITCH_API_TOKEN: 'bench-switch-token-0123456789',
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
