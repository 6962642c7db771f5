import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { startSimulator } from './server';

// `npm run switch:sim [-- serve]`              run the simulated switch
// `npm run switch:sim -- fraud ACC-1001 +252611234567 [--reason R] [--source-ip IP]`
// `npm run switch:sim -- lift ACC-1001 [--actor NAME]`
// `npm run switch:sim -- provision ACC-1001 acme-reception [acme-pbx …]`
// fraud and lift ask a running simulator (its control API) to act, exactly as its fraud monitor or
// an operator would, so the event reaches Tollgate signed and retried like a real one.

const USAGE = `usage:
  switch:sim [serve]
  switch:sim fraud <ACC-…> <dialled number, as a switch writes it: +252…, tel:+252…, sip:+252…@host, "9 011 252…"> [--reason high_risk_destination|hotspot_source_ip|suspicious_pattern|manual] [--source-ip IP]
  switch:sim lift <ACC-…> [--actor NAME]
  switch:sim provision <ACC-…> <SIP username>…   (an account made with npm run admin, so the simulator knows it)
env: SWITCH_API_TOKEN (required; the demo's data/demo-secrets.json is read if unset), SWITCH_WEBHOOK_SECRET, SWITCH_SIM_PORT (4010), SWITCH_SIM_HOST (127.0.0.1),
     SWITCH_SIM_DATA (switch-sim.db in DEMO_DATA_DIR, else in data/), TOLLGATE_EVENTS_URL (http://localhost:3000/api/switch/events),
     SWITCH_SIM_URL (for fraud/lift; default http://127.0.0.1:$SWITCH_SIM_PORT)`;

function fail(message: string): never {
  console.error(`switch:sim: ${message}\n${USAGE}`);
  process.exit(2);
}

/**
 * The simulator's SQLite file: SWITCH_SIM_DATA, else switch-sim.db in the demo's data directory
 * (DEMO_DATA_DIR, as scripts/demo.ts reads it; else ./data).
 */
function dataFile(): string {
  return process.env.SWITCH_SIM_DATA || join(process.env.DEMO_DATA_DIR || 'data', 'switch-sim.db');
}

/**
 * `npm run demo` generates the token and webhook secret once and keeps them in
 * demo-secrets.json in its data directory; reading them here (beside dataFile()) lets
 * `npm run switch:sim -- fraud …` work from any terminal without exporting anything, for a demo
 * started with DEMO_DATA_DIR too. Values from the environment always win.
 */
function loadDemoSecrets(): void {
  const file = join(dirname(dataFile()), 'demo-secrets.json');
  if (!existsSync(file)) return;
  try {
    const secrets = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    for (const name of ['SWITCH_API_TOKEN', 'SWITCH_WEBHOOK_SECRET'] as const) {
      if (!process.env[name] && typeof secrets[name] === 'string') process.env[name] = secrets[name];
    }
  } catch {
    console.warn(`[switch-sim] ignoring ${file}: not readable JSON`);
  }
}

function token(): string {
  const t = process.env.SWITCH_API_TOKEN;
  if (!t || t.length < 16)
    fail('SWITCH_API_TOKEN must be set (at least 16 characters), the same value Tollgate uses');
  return t;
}

async function serve(): Promise<void> {
  // Blank = the default (a `.env` template's empty line); 0 = any free port, printed (the tests use it).
  const port = Number(process.env.SWITCH_SIM_PORT || 4010);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail('SWITCH_SIM_PORT must be a port number');
  const webhookSecret = process.env.SWITCH_WEBHOOK_SECRET || null;
  if (!webhookSecret)
    console.warn('[switch-sim] SWITCH_WEBHOOK_SECRET is not set: events will be kept but not sent');
  const sim = await startSimulator({
    port,
    host: process.env.SWITCH_SIM_HOST || '127.0.0.1',
    dataFile: dataFile(),
    token: token(),
    webhookSecret,
    eventsUrl: process.env.TOLLGATE_EVENTS_URL || 'http://localhost:3000/api/switch/events',
  });
  console.log(`[switch-sim] listening on ${sim.url} (API ${sim.url}/v1, control ${sim.url}/_sim)`);
  const stop = () => void sim.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

function simBase(): string {
  return (process.env.SWITCH_SIM_URL || `http://127.0.0.1:${process.env.SWITCH_SIM_PORT || 4010}`).replace(
    /\/+$/,
    '',
  );
}

/** A call to the running simulator's control API; a simulator that does not answer ends the command. */
async function controlCall(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown): Promise<Response> {
  const base = simBase();
  try {
    return await fetch(`${base}${path}`, {
      method,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
      headers: {
        authorization: `Bearer ${token()}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
    });
  } catch {
    fail(`no simulator answering at ${base} — start it with \`npm run switch:sim\` (or npm run demo)`);
  }
}

/**
 * Tells the simulator about an account created with `npm run admin` (a real switch already knows its
 * accounts): international calling allowed, the SIP usernames with no password yet (the portal sets
 * them). An account it knows keeps its block state, its credentials' passwords and registrations.
 */
async function provision(accountNumber: string, usernames: string[]): Promise<void> {
  const path = `/_sim/accounts/${encodeURIComponent(accountNumber)}`;
  const known = await controlCall('GET', path);
  const state = (known.ok ? await known.json() : null) as {
    internationalCalling: 'allowed' | 'blocked';
    reason: string | null;
    blockedAt: string | null;
  } | null;
  const res = await controlCall('PUT', path, {
    internationalCalling: state?.internationalCalling ?? 'allowed',
    reason: state?.reason ?? null,
    blockedAt: state?.blockedAt ?? null,
    credentials: usernames.map((username) => ({ username })),
  });
  const answer = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
  if (!res.ok || answer?.error) fail(answer?.error?.message ?? `the simulator answered HTTP ${res.status}`);
  console.log(`provisioned ${accountNumber} with ${usernames.join(', ')}`);
}

async function control(path: string, body: unknown): Promise<void> {
  const res = await controlCall('POST', path, body);
  const answer = (await res.json().catch(() => null)) as {
    error?: { code: string; message: string };
    wasBlocked?: boolean;
    event: { id: string; data: { calls?: unknown[] } };
    delivery: { status: string; lastError: string | null };
  } | null;
  if (answer?.error?.code === 'account_not_found')
    fail(
      `${answer.error.message} on the simulator: an account made with npm run admin needs \`npm run switch:sim -- provision <ACC-…> <SIP username>…\` first`,
    );
  if (!res.ok || !answer || answer.error)
    fail(answer?.error?.message ?? `the simulator answered HTTP ${res.status}`);
  const calls = answer.event.data.calls;
  console.log(
    `${answer.event.id}${calls ? ` with ${calls.length} trigger calls` : ''}${answer.wasBlocked ? ' (the account was already blocked)' : ''}`,
  );
  console.log(
    answer.delivery.status === 'delivered'
      ? 'delivered to Tollgate'
      : `not delivered yet (${answer.delivery.lastError ?? answer.delivery.status}); the simulator keeps it and retries`,
  );
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      reason: { type: 'string' },
      'source-ip': { type: 'string' },
      actor: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command = 'serve', ...rest] = positionals;
  if (values.help) return void console.log(USAGE);
  loadDemoSecrets();
  if (command === 'serve') return serve();
  if (command === 'fraud') {
    if (rest.length !== 2) fail('fraud needs an account number and a dialled number');
    return control('/_sim/fraud', {
      accountNumber: rest[0],
      to: rest[1],
      reason: values.reason,
      sourceIp: values['source-ip'],
    });
  }
  if (command === 'lift') {
    if (rest.length !== 1) fail('lift needs an account number');
    return control('/_sim/lift', { accountNumber: rest[0], actor: values.actor });
  }
  if (command === 'provision') {
    if (rest.length < 2) fail('provision needs an account number and its SIP usernames');
    return provision(rest[0]!, rest.slice(1));
  }
  fail(`unknown command ${command}`);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
