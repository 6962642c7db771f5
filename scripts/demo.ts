// npm run demo [-- --reset] — build if needed, migrate, seed, start the switch simulator and the portal.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { quote } from 'shell-quote';
import { migrate } from '../lib/server/db/migrate';
import { getDb } from '../lib/server/db';
import { envVar, portVar } from '../lib/server/env';
import { DEMO_ACCOUNTS, DEMO_TOTP_SECRET, DEMO_USERS } from '../lib/demo/data';
import { seedDemo } from '../lib/demo/seed';
import { provisionSimulator, waitForHttp } from './lib/demo-switch';
import { createSupervisor, startNext } from './lib/supervisor';
import { needsBuild } from './lib/build-stamp';
import { readFlags } from './lib/flags';

// DEMO_DATA_DIR moves the demo's data (tests run a demo beside a developer's own).
const DATA = path.resolve(process.env.DEMO_DATA_DIR || 'data');
/** The demo's SQLite file in DATA. */
const DEMO_DB = 'demo.db';
const { reset } = readFlags('npm run demo [-- --reset]', ['reset']);

function demoSecrets(): Record<string, string> {
  const file = path.join(DATA, 'demo-secrets.json');
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, 'utf8'));
  const s = {
    AUTH_SECRET: crypto.randomBytes(32).toString('base64url'),
    SWITCH_API_TOKEN: crypto.randomBytes(24).toString('base64url'),
    SWITCH_WEBHOOK_SECRET: crypto.randomBytes(32).toString('base64url'),
  };
  fs.writeFileSync(file, JSON.stringify(s, null, 2), { mode: 0o600 });
  return s;
}

/** A directory as the banner names it: `./data` inside the working directory, else its absolute path. */
function shownPath(dir: string): string {
  const rel = path.relative(process.cwd(), dir);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `./${rel}` : dir;
}

/**
 * `command` as typed in another terminal to reach this demo: prefixed with the environment it needs
 * when it is not the default (DEMO_DATA_DIR, where the simulator finds demo-secrets.json; the
 * simulator's port), each value quoted for a POSIX shell.
 */
function demoCommand(command: string, simPort?: number): string {
  const env: string[] = [];
  if (process.env.DEMO_DATA_DIR) env.push(`DEMO_DATA_DIR=${quote([shownPath(DATA)])}`);
  if (simPort !== undefined && simPort !== 4010) env.push(`SWITCH_SIM_PORT=${simPort}`);
  return [...env, command].join(' ');
}

// First, so that a signal during start-up also stops whatever has started by then.
const supervisor = createSupervisor({ pretty: true });

async function main() {
  fs.mkdirSync(DATA, { recursive: true });
  if (reset) {
    for (const f of fs.readdirSync(DATA)) if (/^(demo|switch-sim)\.db/.test(f)) fs.rmSync(path.join(DATA, f));
    fs.rmSync(path.join(DATA, 'mailbox'), { recursive: true, force: true }); // the dev mailbox (lib/mail/mailbox.ts)
    console.log('Demo data reset.');
  }
  const port = envVar('PORT'); // as npm start: blank = 3000, never port 0; not a port = refused by name
  const simPort = portVar('SWITCH_SIM_PORT', 4010); // the same rule: blank = 4010, never port 0
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...demoSecrets(),
    NODE_ENV: 'production',
    TOLLGATE_DEMO: '1',
    // Not data/tollgate.db, the README's example for production: a demo run in a production checkout
    // must not seed its published logins there, nor a production start serve the demo's (review 40).
    DATABASE_URL: `file:${path.join(DATA, DEMO_DB)}`,
    APP_URL: `http://localhost:${port}`,
    SWITCH_API_URL: `http://127.0.0.1:${simPort}`,
    SWITCH_SIM_CONTROL_URL: `http://127.0.0.1:${simPort}`,
    SWITCH_SIM_PORT: String(simPort),
    SWITCH_SIM_DATA: path.join(DATA, 'switch-sim.db'),
    TOLLGATE_EVENTS_URL: `http://localhost:${port}/api/switch/events`,
  };
  // The demo keeps mail in the dev mailbox (CONTRACTS §1): an SMTP_URL left in the shell must not send
  // the demo's block notices to real addresses.
  if (env.SMTP_URL !== undefined) {
    console.log('SMTP_URL is ignored by the demo: its mail stays in the dev mailbox.');
    delete env.SMTP_URL;
    delete process.env.SMTP_URL;
  }
  Object.assign(process.env, env);

  if (needsBuild()) {
    console.log('Building the portal (first run, or sources changed)…');
    execFileSync(path.resolve('node_modules/.bin/next'), ['build'], {
      stdio: 'inherit',
      env: { ...env, TOLLGATE_WORKERS: '0' },
    });
  }
  const m = await migrate(env.DATABASE_URL!);
  if (m.applied.length) console.log(`Applied migrations: ${m.applied.join(', ')}`);
  // With the blocks' notices, which the portal's mail worker "sends" into the dev mailbox once it runs.
  const { created, notices } = await seedDemo(getDb(), new Date(), { notices: true });
  console.log(
    created
      ? `Seeded demo data (${created} records${notices ? `, ${notices} block notices for the dev mailbox` : ''}).`
      : 'Demo data already present; nothing changed.',
  );
  await getDb().$disconnect();

  supervisor.spawn(
    'switch-sim',
    path.resolve('node_modules/.bin/tsx'),
    ['switch/simulator/cli.ts', 'serve'],
    env,
  );
  await waitForHttp(`${env.SWITCH_API_URL}/healthz`);
  await provisionSimulator(env, DEMO_ACCOUNTS);
  startNext(supervisor, env, port);
  await waitForHttp(`${env.APP_URL}/sign-in`);

  console.log(`
  Tollgate demo is running:  ${env.APP_URL}
  Switch simulator:          ${env.SWITCH_API_URL}   (place a fraud block: ${demoCommand('npm run switch:sim', simPort)} -- fraud ACC-1002 +252611234567)
  Dev mailbox:               ${env.APP_URL}/dev/mailbox   (the block notices: their links sign you in)
  Accounts of your own:      DATABASE_URL=file:${quote([`${shownPath(DATA)}/${DEMO_DB}`])} npm run admin -- --help
                             then ${demoCommand('npm run switch:sim', simPort)} -- provision ACC-… <SIP username>…

  Logins (password):
${DEMO_USERS.map((u) => `    ${u.email.padEnd(24)} ${u.password.padEnd(16)} ${u.role}${u.accounts.length ? ` of ${u.accounts.join(', ')}` : ''}`).join('\n')}

  Staff second factor (demo only): TOTP secret ${DEMO_TOTP_SECRET}  (oathtool --totp -b ${DEMO_TOTP_SECRET})
  Data lives in ${shownPath(DATA)}; ${demoCommand('npm run demo')} -- --reset starts over. Ctrl-C stops everything.
`);
}

main().catch((e: Error) => {
  console.error(`The demo did not start: ${e.message}`);
  supervisor.shutdown(1);
});
