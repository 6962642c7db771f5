import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from '../../lib/server/db/migrate';
import { DEMO_ACCOUNTS } from '../../lib/demo/data';
import { provisionSimulator, waitForHttp } from '../../scripts/lib/demo-switch';
import { serveCommand } from '../../scripts/lib/supervisor';
import { E2E, E2E_DIR, E2E_PORT } from './env';
import { startSmtp } from './smtp';
import { runTsx } from './tsx';

/** Fresh database, demo data, and the production build served on a loopback port in its own process group. */
export default async function globalSetup() {
  if (!fs.existsSync('.next/BUILD_ID'))
    throw new Error('No production build: run `npm run build` first (npm test does).');
  fs.rmSync(E2E_DIR, { recursive: true, force: true });
  fs.mkdirSync(E2E_DIR, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: E2E.databaseUrl,
    APP_URL: E2E.appUrl,
    AUTH_SECRET: E2E.authSecret,
    SWITCH_API_URL: `http://127.0.0.1:${E2E.simPort}`,
    SWITCH_SIM_CONTROL_URL: `http://127.0.0.1:${E2E.simPort}`,
    SWITCH_API_TOKEN: E2E.switchToken,
    SWITCH_WEBHOOK_SECRET: E2E.webhookSecret,
    SWITCH_API_TIMEOUT_MS: '2000',
    // The reconciler compares accounts with the switch every 3 s here (60 s by default).
    RECONCILE_INTERVAL_MS: '3000',
    METRICS_TOKEN: E2E.metricsToken,
    TOLLGATE_DEMO: '1',
    SWITCH_SIM_PORT: String(E2E.simPort),
    SWITCH_SIM_DATA: path.join(E2E_DIR, 'switch-sim.db'),
    TOLLGATE_EVENTS_URL: `${E2E.appUrl}/api/switch/events`,
    // A real SMTP server in this process (./smtp.ts) receives the portal's mail for the journeys to read.
    SMTP_URL: `smtp://127.0.0.1:${E2E.smtpPort}`,
    MAIL_FROM: 'Tollgate e2e <no-reply@localhost>',
  };
  const stopSmtp = await startSmtp();
  await migrate(E2E.databaseUrl);
  runTsx('e2e/support/seed.ts', [], env);
  const log = fs.openSync(path.join(E2E_DIR, 'next.log'), 'a');
  const simLog = fs.openSync(path.join(E2E_DIR, 'switch-sim.log'), 'a');
  // The simulated switch runs as its own process, exactly as in the demo.
  const sim = spawn(path.resolve('node_modules/.bin/tsx'), ['switch/simulator/cli.ts', 'serve'], {
    env,
    stdio: ['ignore', simLog, simLog],
    detached: true,
  });
  const [cmd, args] = serveCommand(E2E_PORT);
  const next = spawn(cmd, args, { env, stdio: ['ignore', log, log], detached: true });
  // The factories' writer (./factory-server.ts): one process for the whole run instead of one per plan.
  const factoryLog = fs.openSync(path.join(E2E_DIR, 'factory.log'), 'a');
  const factory = spawn(
    path.resolve('node_modules/.bin/tsx'),
    ['--conditions=react-server', 'e2e/support/factory-server.ts'],
    {
      env: {
        ...process.env,
        DATABASE_URL: E2E.databaseUrl,
        AUTH_SECRET: E2E.authSecret,
        E2E_FACTORY_PORT: String(E2E.factoryPort),
      },
      // Its stdin stays open while this process lives (it exits when stdin ends); unref: no wait on it.
      stdio: ['pipe', factoryLog, factoryLog],
      detached: true,
    },
  );
  (factory.stdin as unknown as { unref?: () => void }).unref?.();
  fs.writeFileSync(path.join(E2E_DIR, 'pids.json'), JSON.stringify([next.pid, sim.pid, factory.pid]));
  await waitForHttp(`http://127.0.0.1:${E2E.simPort}/healthz`);
  await waitForHttp(`http://127.0.0.1:${E2E.factoryPort}/healthz`);
  await provisionSimulator(
    { ...env, SWITCH_SIM_CONTROL_URL: `http://127.0.0.1:${E2E.simPort}` },
    DEMO_ACCOUNTS,
  );
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      if ((await fetch(`${E2E.appUrl}/sign-in`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > until)
      throw new Error(`The portal did not start; see ${path.join(E2E_DIR, 'next.log')}`);
    await new Promise((r) => setTimeout(r, 300));
  }
  return stopSmtp; // Playwright runs a function returned here as a teardown
}
