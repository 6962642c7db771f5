import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import type { Page } from '@playwright/test';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { needsBuild } from '../scripts/lib/build-stamp';
import { serveCommand } from '../scripts/lib/supervisor';
import { credentialIdOf, query } from './support/db';
import { E2E, E2E_DIR } from './support/env';
import { createCustomer } from './support/factories';
import { expectSecurityHeaders } from './support/security-headers';
import { linkBindCookie } from '../lib/auth/link-binding';
import { expect, expectAccessible, signIn, test } from './support/fixtures';
import { freeTcpPort, startPortal } from './support/kamailio-portal';
import { rawRequest } from './support/raw-http';
import { describeProcess, descendants, portIsFree, stillRunning, type Proc } from './support/process-tree';
import { rememberSecret } from './support/secrets';
import { spawnDemo } from './support/demo-process';
import { clearFaults, setFaults, sim } from './support/sim';
import { continueLink, emailedLink, fiveWrongPasswords } from './support/sign-in-steps';
import { blockPlacedEvent, postSwitchEvent } from './support/switch-events';

/** The configuration of a server started alone in `dir` on `port` (a fresh SQLite file, no switch, no mail). */
const serverAloneEnv = (dir: string, port: number) => ({
  NODE_ENV: 'production' as const,
  DATABASE_URL: `file:${path.join(dir, 'tollgate.db')}`,
  APP_URL: `http://localhost:${port}`,
  AUTH_SECRET: 'e2e-serve-alone-secret-0123456789abcdef',
  SMTP_URL: 'smtp://127.0.0.1:9',
  MAIL_FROM: 'Tollgate <no-reply@localhost>',
  SWITCH_API_URL: 'http://127.0.0.1:9/v1',
  SWITCH_API_TOKEN: 'unused-token-0123456789',
  SWITCH_WEBHOOK_SECRET: 'unused-webhook-secret-0123456789abcdef',
  TOLLGATE_WORKERS: '0',
});

// Operations (issue 17, CONTRACTS §7): health, metrics, request ids, and processes that stop.
// The journeys use their own account ACC-9017 and user ops@e2e.example (e2e/support/seed.ts).
const OPS = { email: 'ops@e2e.example', password: 'e2e-ops-password-2026' };
const auth = { authorization: `Bearer ${E2E.metricsToken}` };

/** The value of one sample of the Prometheus text format, e.g. `tollgate_sign_in_total{method="password",outcome="success"}`; 0 when absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  const lines = text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  const hit = lines.find((l) => Object.entries(labels).every(([k, v]) => l.includes(`${k}="${v}"`)));
  return hit ? Number(hit.slice(hit.lastIndexOf(' ') + 1)) : 0;
}

test('liveness answers; readiness names each part and is ready', async ({ request }) => {
  const live = await request.get('/api/health');
  expect(live.status()).toBe(200);
  expect(await live.json()).toEqual({ status: 'ok' });
  const ready = await request.get('/api/health/ready');
  expect(ready.status()).toBe(200);
  const body = await ready.json();
  // The switch and SMTP are reported, and never decide readiness (a later test degrades the switch).
  const reported = { status: expect.stringMatching(/^(ok|degraded)$/) };
  expect(body).toMatchObject({
    status: 'ready',
    database: { status: 'ok' },
    migrations: { status: 'ok' },
    workers: { status: 'ok' },
    switch: reported,
    smtp: reported,
  });
  expect(Object.keys(body.workers.lastTickSecondsAgo).sort()).toEqual([
    'allowance-watch',
    'mail-outbox',
    'rate-limit-purge',
    'reconcile',
    'retention',
    'sign-in-link-purge',
    'sip-password-recovery',
    'switch-outbox',
  ]);
  expect(body.reconciliation).toEqual({
    status: expect.stringMatching(/^(ok|degraded)$/),
    openSyncIssues: expect.any(Number),
  });
  // This instance's clock against the database's (SQLite: the same machine's, so 0).
  expect(body.clock).toEqual({ status: 'ok', offsetSeconds: 0 });
});

test('request targets Next cannot route are answered, never a 500 or a redirect elsewhere', async () => {
  const host = `Host: ${new URL(E2E.appUrl).host}`;
  // Asterisk-form (RFC 9110 §9.3.7): a question about the server as a whole.
  const star = await rawRequest(E2E.appUrl, `OPTIONS * HTTP/1.1\r\n${host}`);
  expect(star.status).toBe(204);
  expect(star.headers.allow).toContain('GET');
  expect(star.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
  expect(star.headers['x-content-type-options']).toBe('nosniff');
  expect((await rawRequest(E2E.appUrl, `GET * HTTP/1.1\r\n${host}`)).status).toBe(400);
  // Absolute-form (RFC 9112 §3.2.2) is read as its path: the sign-in page, not a redirect to that host.
  const absolute = await rawRequest(E2E.appUrl, `GET http://evil.example/sign-in HTTP/1.1\r\n${host}`);
  expect(absolute.status).toBe(200);
  expect(absolute.headers.location).toBeUndefined();
  expect(absolute.headers['content-security-policy']).toContain('nonce-');
  expect((await rawRequest(E2E.appUrl, `GET sign-in HTTP/1.1\r\n${host}`)).status).toBe(400);
});

test('a failing switch shows as degraded while the instance stays ready', async ({ page }) => {
  await sim('/_sim/accounts/ACC-9017', {
    method: 'PUT',
    body: {
      internationalCalling: 'allowed',
      reason: null,
      blockedAt: null,
      credentials: [{ username: 'ops-trunk', password: 'ops-initial-password-0001' }],
    },
  });
  await signIn(page, OPS);
  await page.goto(`/credentials/${credentialIdOf('ops-trunk')}/reset`);
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  rememberSecret(await page.getByLabel('New SIP password').inputValue());
  // PUTs only: the reconciler's background GETs keep passing.
  await setFaults('ops-trunk', { failNext: 10, failStatus: 503, method: 'PUT' });
  try {
    await page.getByRole('button', { name: 'Set password' }).click();
    await expect(page.getByText('Our phone system answered with an error, so we do not know')).toBeVisible();
  } finally {
    await clearFaults('ops-trunk');
  }
  const degraded = await page.request.get('/api/health/ready');
  expect(degraded.status()).toBe(200);
  expect(await degraded.json()).toMatchObject({
    status: 'ready',
    switch: { status: 'degraded', lastUnavailableSecondsAgo: expect.any(Number) },
  });

  // The switch answers again: the change goes through (readiness says degraded for 60 s after a failure).
  await page.getByRole('button', { name: 'Generate strong password' }).click();
  rememberSecret(await page.getByLabel('New SIP password').inputValue());
  await page.getByRole('button', { name: 'Set password' }).click();
  await expect(page.getByText('Password updated')).toBeVisible();
  await expectAccessible(page);
});

test('a request id on the answer, on every log line of the request and on the audit row it writes', async ({
  browser,
}) => {
  // The portal runs with TRUSTED_PROXY_HOPS=0: the id a client sends is not kept (lib/server/request-id.ts).
  const chosen = `e2e-ops-${Date.now()}`;
  const context = await browser.newContext({ extraHTTPHeaders: { 'x-request-id': chosen } });
  const page = await context.newPage();
  const answer = await page.goto('/sign-in');
  expect(answer?.headers()['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  await signIn(page, OPS);
  for (const c of await context.cookies()) rememberSecret(c.value);
  const rows = query<{ action: string; requestId: string | null }>(
    `SELECT action, "requestId" FROM "AuditLog" WHERE "actorEmail" = ? AND action = 'sign_in.success' ORDER BY at DESC LIMIT 1`,
    OPS.email,
  );
  const requestId = rows[0]?.requestId ?? '';
  expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
  const log = fs.readFileSync(path.join(E2E_DIR, 'next.log'), 'utf8');
  expect(log).not.toContain(chosen);
  const lines = log.split('\n').filter((l) => l.includes(requestId));
  expect(lines.length).toBeGreaterThan(0);
  for (const l of lines)
    expect(JSON.parse(l)).toMatchObject({
      reqId: requestId,
      level: expect.any(String),
      time: expect.any(String),
    });
  await context.close();
});

/**
 * The sign-in outcomes the metrics journey counts, made here so that this file runs alone: a wrong
 * password, a throttled one (five wrong in a row), and an emailed link that signs in. The `agent`
 * fixture already signed in with password and second factor.
 */
async function signInOutcomes(page: Page) {
  const { user } = await createCustomer([]);
  await page.goto('/sign-in');
  await fiveWrongPasswords(page, user.email);
  const { user: byLink } = await createCustomer([]);
  // The link's page binds itself to this browser (lib/auth/link-binding.ts): a fresh cookie of its
  // own link on the answer, seen by the page rendered for that same request (the "Continue" POST
  // would fail without it).
  const link = await emailedLink(page, byLink.email);
  const bindName = linkBindCookie(new URL(link).searchParams.get('token')!);
  const linkPage = await page.goto(link);
  await expectSecurityHeaders(linkPage, { referrer: 'same-origin' });
  const bind = new RegExp(
    `^${bindName}=([0-9a-z]+\\.[A-Za-z0-9_-]{43}); Path=/sign-in/link; .*HttpOnly; SameSite=lax$`,
  ).exec((await linkPage?.headerValue('set-cookie')) ?? '')?.[1];
  expect(bind).toBeTruthy();
  const [post] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.url().includes('/sign-in/link')),
    continueLink(page),
  ]);
  expect(await post.request().headerValue('cookie')).toContain(`${bindName}=${bind}`);
  // The action redirects to `/`: Next answers the POST with that page's payload and headers (it fetches
  // it from this same server), so the Referrer-Policy is `/`'s.
  await expectSecurityHeaders(post);
  await expect(page).not.toHaveURL(/\/sign-in/);
}

test('metrics: bearer token required; every family counts what the journeys did', async ({
  request,
  page,
  agent,
}) => {
  expect(agent.user.role).toBe('agent'); // signed in with a second factor
  await signInOutcomes(page);
  expect((await request.get('/api/metrics')).status()).toBe(401);
  expect(
    (
      await request.get('/api/metrics', { headers: { authorization: 'Bearer not-the-token-0123456789' } })
    ).status(),
  ).toBe(401);

  // Each answer of the events endpoint once: new, duplicate, 400, 401, 404. The new one is the
  // switch's own (its fraud monitoring blocks the account and posts the event), so the switch holds
  // the block the portal is told of: an event posted alone would leave the switch allowed, and the
  // reconciler would rightly place the block there again under an "Out of sync" entry.
  const fraud = await sim<{ event: unknown; delivery: { status: string } }>('/_sim/fraud', {
    method: 'POST',
    body: {
      accountNumber: 'ACC-9017',
      to: '+252611234567',
      reason: 'suspicious_pattern',
      sourceIp: '203.0.113.9',
    },
  });
  expect(fraud.delivery.status).toBe('delivered');
  const event = (n: string) =>
    blockPlacedEvent(n, [{ from: 'ops-trunk', to: '+252611234567', sourceIp: '203.0.113.9' }], {
      reason: 'suspicious_pattern',
    }).raw;
  const placed = JSON.stringify(fraud.event);
  expect(await postSwitchEvent(placed)).toBe(200); // a duplicate: the switch delivered it already
  expect(await postSwitchEvent('{"id":')).toBe(400);
  expect(await postSwitchEvent(placed, 't=1,v1=00')).toBe(401);
  expect(await postSwitchEvent(event('ACC-0404'))).toBe(404);

  const res = await request.get('/api/metrics', { headers: auth });
  expect(res.status()).toBe(200);
  expect(res.headers()['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  fs.writeFileSync(path.join(E2E_DIR, 'metrics-after-journeys.txt'), text); // the scrape, kept as evidence
  for (const result of ['new', 'duplicate', '400', '401', '404'])
    expect(sample(text, 'tollgate_switch_events_total', { result }), result).toBeGreaterThan(0);
  for (const [method, outcome] of [
    ['password', 'success'],
    ['password', 'failure'],
    ['password', 'throttled'],
    ['email_link', 'success'],
    ['totp', 'success'],
  ]) {
    expect(
      sample(text, 'tollgate_sign_in_total', { method, outcome }),
      `${method} ${outcome}`,
    ).toBeGreaterThan(0);
  }
  expect(
    sample(text, 'tollgate_switch_call_duration_seconds_count', { operation: 'password', outcome: 'ok' }),
  ).toBeGreaterThan(0);
  expect(
    sample(text, 'tollgate_switch_call_duration_seconds_count', {
      operation: 'password',
      outcome: 'unavailable',
    }),
  ).toBeGreaterThan(0);
  expect(sample(text, 'tollgate_active_blocks', { reason: 'suspicious_pattern' })).toBeGreaterThan(0);
  expect(sample(text, 'tollgate_active_blocks', { reason: 'hotspot_source_ip' })).toBeGreaterThan(0);
  // The journeys sent mail and switch operations: both outboxes are reported (empty or not).
  for (const outbox of ['switch', 'mail']) {
    expect(text).toContain(`tollgate_outbox_depth{outbox="${outbox}"}`);
    expect(text).toContain(`tollgate_outbox_oldest_age_seconds{outbox="${outbox}"}`);
  }
  expect(text).toMatch(/^tollgate_reconciliation_out_of_sync \d+$/m);
  expect(sample(text, 'tollgate_process_resident_memory_bytes')).toBeGreaterThan(0);
});

// CONTRACTS §7: `npm run demo` leaves no process behind on SIGINT, SIGTERM or SIGHUP, or when its
// supervisor is killed. Each case starts the real demo (npm → tsx → scripts/demo.ts, which starts the
// switch simulator and next-server), in a process group of its own as a terminal would, on free
// ports and with its own data directory, then checks that within 10 s nothing of it runs and both
// ports are free.
const DATA = path.resolve('test-results/e2e-ops-demo');

type Demo = {
  npm: ChildProcess;
  supervisor: Proc;
  tree: Proc[];
  port: number;
  simPort: number;
  output: () => string;
};

async function startDemo(): Promise<Demo> {
  // Left in a developer's shell: the demo must still keep its mail in the dev mailbox.
  const { npm, port, simPort, output } = await spawnDemo(DATA, [], { SMTP_URL: 'smtp://127.0.0.1:9' });
  const tree = descendants(npm.pid!);
  // The Node process that runs scripts/demo.ts itself (tsx's child, not the tsx launcher).
  const supervisor = tree.find(
    (p) => p.cmd.includes('tsx/dist/loader.mjs') && p.cmd.includes('scripts/demo.ts'),
  );
  if (!supervisor) throw new Error(`no supervisor among:\n${tree.map((p) => p.cmd).join('\n')}`);
  expect(tree.some((p) => p.cmd.includes('scripts/serve.mjs'))).toBe(true);
  expect(tree.some((p) => p.cmd.includes('switch/simulator/cli.ts'))).toBe(true);
  // The demo sets no METRICS_TOKEN: there is no metrics endpoint (CONTRACTS §7).
  expect((await fetch(`http://localhost:${port}/api/metrics`)).status).toBe(404);
  return { npm, supervisor, tree, port, simPort, output };
}

async function expectNothingLeft(demo: Demo) {
  const pids = demo.tree.map((p) => p.pid);
  try {
    await expectNothingLeftOf(demo, pids);
  } catch (e) {
    // Say what a process left behind is doing: a state and wait channel tell a hang from a busy loop.
    const left = stillRunning(pids).map((p) => describeProcess(p.pid));
    if (left.length) (e as Error).message += `\n\nStill running:\n${left.join('\n')}`;
    throw e;
  }
}

async function expectNothingLeftOf(demo: Demo, pids: number[]) {
  await expect
    .poll(
      async () => ({
        running: stillRunning(pids).map((p) => `${p.pid} ${p.cmd.slice(0, 80)}`),
        portalPortFree: await portIsFree(demo.port),
        switchPortFree: await portIsFree(demo.simPort, '127.0.0.1'),
      }),
      { timeout: 10_000, message: 'every process of the demo has exited and both ports are free' },
    )
    .toEqual({ running: [], portalPortFree: true, switchPortFree: true });
}

test.describe('npm run demo leaves no process behind', () => {
  test.describe.configure({ timeout: 150_000 });
  test.beforeAll(() => {
    // The demo rebuilds a stale build, which would pull .next from under the e2e portal.
    if (needsBuild())
      throw new Error(
        'The production build is older than the sources: run `npx next build` first (npm test does).',
      );
    fs.rmSync(DATA, { recursive: true, force: true });
  });

  test('Ctrl-C (SIGINT to the terminal job)', async () => {
    const demo = await startDemo();
    // The banner's commands work as printed from another terminal, which has none of the demo's
    // environment: its data directory (where the switch token is) and the simulator's port are in them.
    const banner = demo.output();
    expect(banner).toContain(`Data lives in ./${path.relative(process.cwd(), DATA)};`);
    const fraud = /place a fraud block: (.+)\)$/m.exec(banner)?.[1];
    expect(fraud).toContain(`SWITCH_SIM_PORT=${demo.simPort} npm run switch:sim -- fraud ACC-1002`);
    const placed = spawnSync('sh', ['-c', fraud!], {
      // A terminal's environment, without even NODE_ENV (which Next's types make required).
      env: { PATH: process.env.PATH, HOME: process.env.HOME } as unknown as NodeJS.ProcessEnv,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(placed.stderr).not.toContain('SWITCH_API_TOKEN must be set');
    expect(placed.stdout).toContain('delivered to Tollgate');
    expect(placed.status).toBe(0);
    // The block notices, in the dev mailbox (DATA/mailbox), not sent to the SMTP_URL of the shell.
    expect(banner).toContain('SMTP_URL is ignored by the demo');
    const mailbox = path.join(DATA, 'mailbox');
    await expect
      .poll(() => (fs.existsSync(mailbox) ? fs.readdirSync(mailbox).length : 0), { timeout: 20_000 })
      .toBeGreaterThan(0);
    // An account of the operator's own, made with the banner's two commands, is one the switch blocks.
    const admin = /Accounts of your own: +(.+) -- --help$/m.exec(banner)?.[1];
    const provision = /^ +then (.+) -- provision /m.exec(banner)?.[1];
    const terminal = (command: string) =>
      spawnSync('sh', ['-c', command], {
        env: { PATH: process.env.PATH, HOME: process.env.HOME } as unknown as NodeJS.ProcessEnv,
        encoding: 'utf8',
        timeout: 60_000,
      });
    for (const [command, said] of [
      [
        `${admin} -- create-account --number ACC-5401 --name "Palermo" --country GB --offline`,
        'created account ACC-5401',
      ],
      [`${admin} -- add-sip-credential --account ACC-5401 --username palermo-desk`, 'added SIP credential'],
      [`${provision} -- provision ACC-5401 palermo-desk`, 'provisioned ACC-5401 with palermo-desk'],
      [`${provision} -- fraud ACC-5401 +252611234567`, 'delivered to Tollgate'],
    ])
      expect(terminal(command!), command).toMatchObject({ status: 0, stdout: expect.stringContaining(said) });
    process.kill(-demo.npm.pid!, 'SIGINT');
    await expectNothingLeft(demo);
  });

  test('closing the terminal (SIGHUP to the terminal job)', async () => {
    const demo = await startDemo();
    process.kill(-demo.npm.pid!, 'SIGHUP');
    await expectNothingLeft(demo);
  });

  // SIGHUP reaches the supervisor in 'closing the terminal' above, through the same handler as SIGTERM
  // here (scripts/lib/supervisor.ts): a journey of SIGHUP to the supervisor alone added no path.
  test('SIGTERM to the supervisor alone', async () => {
    const demo = await startDemo();
    process.kill(demo.supervisor.pid, 'SIGTERM');
    await expectNothingLeft(demo);
  });

  // `kill <pid of npm>`: what a process manager that signals only its child does (Docker with npm as
  // PID 1, pm2, supervisord; systemd's KillMode=mixed TERMs npm alone, then KILLs the rest). npm
  // forwards the signal to its script's shell; until 2026-12-02 that `sh -c` died without passing
  // it on, and the portal kept serving, port bound, orphaned. The scripts now `exec` tsx.
  test('SIGTERM to npm alone (kill, a service manager)', async () => {
    const demo = await startDemo();
    process.kill(demo.npm.pid!, 'SIGTERM');
    await expectNothingLeft(demo);
  });

  // A browser that has sent half a request (a slow phone link, or a client that never finishes one)
  // holds its connection open: the portal's stop must not wait on it.
  test('SIGKILL to the supervisor: the children notice and exit, a half-sent request holds nothing', async () => {
    const demo = await startDemo();
    const slow = net.connect({ port: demo.port, host: 'localhost' });
    slow.on('error', () => {}); // cut by the portal as it stops: expected
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write(`GET /dashboard HTTP/1.1\r\nHost: localhost:${demo.port}\r\nAccept: text/html\r\n`);
    try {
      process.kill(demo.supervisor.pid, 'SIGKILL');
      await expectNothingLeft(demo);
    } finally {
      slow.destroy();
    }
  });

  test('the reader of its output goes away: nothing spins on a closed pipe', async () => {
    const demo = await startDemo();
    demo.npm.stdout!.destroy();
    demo.npm.stderr!.destroy();
    // Something must be written for a closed pipe to be noticed: a request the portal logs.
    await fetch(`http://localhost:${demo.port}/api/health/ready`).catch(() => null);
    await fetch(`http://localhost:${demo.port}/no-such-page`).catch(() => null);
    await expectNothingLeft(demo);
  });
});

// The portal's server run on its own, as a container runs it (`node scripts/serve.mjs` as PID 1, no
// supervisor) and stops it: SIGTERM to that one process, SIGKILL 10 s later. A client that has sent
// half a request must not hold the stop: requests in flight get a moment, then every connection is cut.
test('the server alone, stopped by SIGTERM while a client has sent half a request, exits', async () => {
  const portal = await startPortal({
    dir: path.resolve('test-results/e2e-ops-serve-alone'),
    env: {
      SMTP_URL: 'smtp://127.0.0.1:9',
      SWITCH_API_URL: 'http://127.0.0.1:9/v1',
      SWITCH_API_TOKEN: 'unused-token-0123456789',
      SWITCH_WEBHOOK_SECRET: 'unused-webhook-secret-0123456789abcdef',
    },
  });
  // Started with MAIL_FROM and SUPPORT_CONTACT at their defaults, it said so, one warn line each
  // (lib/server/env.ts configWarnings), before it listened.
  const warned = fs
    .readFileSync(portal.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"level":"warn"') && l.includes('"variable"'))
    .map((l) => (JSON.parse(l) as { variable: string }).variable);
  expect(warned).toEqual(['MAIL_FROM', 'SUPPORT_CONTACT']);
  const slow = net.connect({ port: portal.port, host: 'localhost' });
  slow.on('error', () => {});
  try {
    await new Promise((resolve) => slow.once('connect', resolve));
    slow.write(`GET /sign-in HTTP/1.1\r\nHost: localhost:${portal.port}\r\n`);
    process.kill(portal.pid, 'SIGTERM');
    await expect
      .poll(
        async () => ({
          running: stillRunning([portal.pid]).map((p) => describeProcess(p.pid)),
          portFree: await portIsFree(portal.port),
        }),
        { timeout: 10_000, message: 'the server has exited and its port is free' },
      )
      .toEqual({ running: [], portFree: true });
  } finally {
    slow.destroy();
    await portal.stop();
  }
});

// Review, session 39: run as a container's command, the server ignored PORT and HOST (which its own
// start-up check validated) and listened on localhost:3000, inside the container only.
test('the server alone listens where PORT and HOST say when no flag names them', async () => {
  const dir = path.resolve('test-results/e2e-ops-serve-port-env');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freeTcpPort();
  const server = spawn(process.execPath, [path.resolve('scripts/serve.mjs')], {
    env: { ...process.env, ...serverAloneEnv(dir, port), PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  server.stdout!.on('data', (d: Buffer) => (output += d));
  server.stderr!.on('data', (d: Buffer) => (output += d));
  try {
    await expect
      .poll(() => output, { timeout: 30_000 })
      .toContain(`Tollgate listening on http://127.0.0.1:${port}`);
    const res = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(res.status).toBe(200);
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGKILL');
  }
});

// The same server started with a bad secret (without `npm start`, which checks the configuration
// first): it must stop at once and say which value is wrong, never listen and serve error pages.
test('the server alone, started with a bad secret, names it and exits without listening', async () => {
  const dir = path.resolve('test-results/e2e-ops-serve-bad-config');
  fs.mkdirSync(dir, { recursive: true });
  const port = await freeTcpPort();
  const [cmd, args] = serveCommand(port);
  const server = spawn(cmd, args, {
    env: { ...process.env, ...serverAloneEnv(dir, port), AUTH_SECRET: 'too-short' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (d: Buffer) => (output += d));
  server.stderr!.on('data', (d: Buffer) => (output += d));
  try {
    const code = await new Promise<number | null | 'still running'>((resolve) => {
      server.on('exit', (c) => resolve(c));
      setTimeout(() => resolve('still running'), 30_000).unref();
    });
    expect({ code, portFree: await portIsFree(port) }, output).toEqual({ code: 1, portFree: true });
    expect(output).toContain('AUTH_SECRET');
  } finally {
    if (server.exitCode === null) server.kill('SIGKILL');
  }
});
