import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { queryAt } from './support/db';
import { E2E, E2E_DIR } from './support/env';
import { request } from '@playwright/test';
import { expect, expectAccessible, test } from './support/fixtures';
import { freeTcpPort, startPortal, stopGroup, type Portal } from './support/kamailio-portal';
import { linkOf, mailTo, waitForMail } from './support/mail';
import { rememberSecret } from './support/secrets';
import { putSwitchAccount } from './support/sim';
import { blockPlacedEvent } from './support/switch-events';
import { signEvent } from '../lib/switch/signature';
import { migrate } from '../lib/server/db/migrate';
import { continueLink } from './support/sign-in-steps';

// The deployment docs/operations.md describes: Tollgate behind nginx, which terminates TLS and appends
// the peer to X-Forwarded-For (TRUSTED_PROXY_HOPS=1), with APP_URL on https. Every other journey runs
// on plain http on localhost, where no cookie needs to be Secure; this one proves, in Chromium over
// real TLS (a certificate made for the run), that the session cookie is `__Host-` (Secure, Path=/, no
// Domain, HttpOnly), that server actions pass Next's origin check through the proxy, that the block
// notice's link is on https and signs in, and that the audit log sees the client, not nginx.
// The block is one the reconciler finds before the switch's block.placed arrives: its notice is
// held for that event (lib/blocks/lifecycle.ts NOTICE_HOLD_MS, 75 s) and, once the event lands
// through nginx, goes out at once carrying the calls.

test.describe.configure({ mode: 'serial' });

const DIR = path.join(E2E_DIR, 'tls');
const NUMBER = `ACC-7${String(crypto.randomInt(100_000_000)).padStart(8, '0')}`;
const USER = { email: `tls-${crypto.randomBytes(4).toString('hex')}@e2e.example`, password: '' };
const CRED = { username: `tls-desk-${crypto.randomBytes(3).toString('hex')}`, password: '' };
/** When the switch blocked the account: its GET's `blockedAt`, and its late event's `occurredAt`. */
const BLOCKED_AT = new Date(Date.now() - 10_000);
let portal: Portal;
let nginx: ChildProcess;
let httpsUrl = '';

/**
 * nginx as docs/operations.md configures it ("Behind nginx", the same block as README's "Client
 * addresses behind a proxy"), on https with a certificate made now, in front of `upstream`, on a port
 * of the run's (so `$http_host`, which keeps the port, not `$host`). The lines of the server block
 * after its certificate are the doc's, port aside: tests/unit/nginx-block.test.ts holds them equal.
 */
function nginxConf(port: number, upstream: number) {
  // Started as root, nginx runs its workers as `nobody`, who cannot reach DIR when the checkout sits in
  // a mode-700 directory (`mktemp -d`): a body too large for memory, written to client_body_temp_path,
  // was answered 500 (CI187). The workers run as the user who runs the tests instead.
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  return `daemon off;
${user}worker_processes 1;
pid ${DIR}/nginx.pid;
error_log ${DIR}/nginx-error.log warn;
events { worker_connections 256; }
http {
  access_log ${DIR}/nginx-access.log;
  client_body_temp_path ${DIR}/body;
  proxy_temp_path ${DIR}/proxy;
  fastcgi_temp_path ${DIR}/fastcgi;
  uwsgi_temp_path ${DIR}/uwsgi;
  scgi_temp_path ${DIR}/scgi;
  server {
    listen 127.0.0.1:${port} ssl http2;
    server_name localhost;
    ssl_certificate ${DIR}/cert.pem;
    ssl_certificate_key ${DIR}/key.pem;
    proxy_set_header Host $http_host;
    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    proxy_set_header X-Forwarded-Proto $scheme;
    proxy_set_header X-Request-Id $request_id;
    proxy_set_header X-Forwarded-Host $http_host;

    location / {
      proxy_pass http://127.0.0.1:${upstream};
    }
    location = /api/switch/events {
      client_max_body_size 8m;
      proxy_pass http://127.0.0.1:${upstream};
    }
    location = /api/metrics { allow 10.0.0.0/8; deny all; proxy_pass http://127.0.0.1:${upstream}; }
  }
}
`;
}

test.beforeAll(async () => {
  test.setTimeout(120_000);
  fs.rmSync(DIR, { recursive: true, force: true });
  fs.mkdirSync(DIR, { recursive: true });
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost', '-keyout', `${DIR}/key.pem`, '-out', `${DIR}/cert.pem`,
  ], { stdio: 'ignore' }); // prettier-ignore
  const httpsPort = await freeTcpPort();
  httpsUrl = `https://localhost:${httpsPort}`;
  USER.password = `tls-${crypto.randomBytes(9).toString('base64url')}`;
  CRED.password = `Tls-${crypto.randomBytes(12).toString('base64url')}`;
  rememberSecret(USER.password);
  rememberSecret(CRED.password);

  // The switch already holds the account blocked; the portal below learns it from its reconciler.
  await putSwitchAccount(
    NUMBER,
    'blocked',
    [{ username: CRED.username, password: CRED.password }],
    BLOCKED_AT.toISOString(),
  );
  // The operator's commands (README "Operator commands") make the account and its customer before
  // the portal starts, as a provider would before telling the customer about it.
  const databaseUrl = `file:${DIR}/tollgate.db`;
  const env = {
    APP_URL: httpsUrl,
    TRUSTED_PROXY_HOPS: '1',
    SWITCH_API_URL: `http://127.0.0.1:${E2E.simPort}`,
    SWITCH_API_TOKEN: E2E.switchToken,
    SWITCH_WEBHOOK_SECRET: E2E.webhookSecret,
    RECONCILE_INTERVAL_MS: '2000',
    SMTP_URL: `smtp://127.0.0.1:${E2E.smtpPort}`,
  };
  await migrate(databaseUrl);
  const admin = (args: string[], input?: string) =>
    execFileSync(
      path.resolve('node_modules/.bin/tsx'),
      ['--conditions=react-server', 'scripts/admin.ts', ...args],
      {
        env: {
          ...process.env,
          ...env,
          DATABASE_URL: databaseUrl,
          AUTH_SECRET: 'tls-auth-secret-0123456789abcdef0123',
        },
        input,
        stdio: ['pipe', 'pipe', 'inherit'],
        timeout: 60_000,
        killSignal: 'SIGTERM', // the tsx launcher passes it on to its node child
      },
    );
  admin(['create-account', '--number', NUMBER, '--name', 'Tls Harbour Co', '--country', 'US']);
  admin(['add-sip-credential', '--account', NUMBER, '--username', CRED.username, '--label', 'Front desk']);
  admin(['create-user', '--email', USER.email, '--role', 'customer', '--account', NUMBER], USER.password);
  portal = await startPortal({
    dir: DIR,
    databaseUrl,
    env: { ...env, AUTH_SECRET: 'tls-auth-secret-0123456789abcdef0123' },
  });

  fs.writeFileSync(`${DIR}/nginx.conf`, nginxConf(httpsPort, portal.port));
  // Debian's nginx, in /usr/sbin (not on every user's PATH).
  const bin = fs.existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  nginx = spawn(bin, ['-p', DIR, '-c', `${DIR}/nginx.conf`, '-e', `${DIR}/nginx-error.log`], {
    stdio: 'ignore',
    detached: true,
  });
  // Up when the portal answers through nginx over TLS (the certificate is the run's own).
  const client = await request.newContext({ ignoreHTTPSErrors: true });
  await expect
    .poll(
      async () => {
        if (nginx.exitCode !== null) throw new Error(fs.readFileSync(`${DIR}/nginx-error.log`, 'utf8'));
        return (await client.get(`${httpsUrl}/api/health`).catch(() => null))?.status();
      },
      { timeout: 10_000 },
    )
    .toBe(200);
  await client.dispose();
});

test.afterAll(async () => {
  if (nginx) await stopGroup(nginx);
  if (portal) await portal.stop();
});

test('behind nginx on https: the held notice carries the late event’s calls, its link signs in, the cookie is __Host-, server actions work', async ({
  browser,
}) => {
  // The reconciler finds the switch's block (every 2 s here) before the switch's block.placed,
  // which its sender is still retrying: the block shows, and its notice is held for the event.
  await expect
    .poll(
      () =>
        queryAt(
          portal.databaseUrl,
          `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = ?`,
          NUMBER,
        ).length,
      { timeout: 30_000 },
    )
    .toBe(1);
  const [held] = queryAt<{ status: string; attempts: number; createdAt: string; nextAttemptAt: string }>(
    portal.databaseUrl,
    `SELECT status, attempts, "createdAt", "nextAttemptAt" FROM "MailMessage" WHERE template = 'block_notice' AND "to" = ?`,
    USER.email,
  );
  expect(held).toMatchObject({ status: 'pending', attempts: 0 });
  expect(new Date(held.nextAttemptAt).getTime() - new Date(held.createdAt).getTime()).toBeGreaterThan(60_000);

  // The switch's event lands, through nginx, with the call that triggered the block.
  const { raw } = blockPlacedEvent(
    NUMBER,
    [{ from: CRED.username, to: '+252611234567', sourceIp: '185.220.101.47', durationSec: 42 }],
    { at: BLOCKED_AT },
  );
  const api = await request.newContext({ ignoreHTTPSErrors: true });
  const answer = await api.post(`${httpsUrl}/api/switch/events`, {
    headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(E2E.webhookSecret, raw) },
    data: raw,
  });
  expect(answer.status()).toBe(200);
  await api.dispose();

  // The notice goes out now (well inside its 75 s hold), with the calls and the step that lifts the
  // block by itself, not "contact support"; its link is on APP_URL's https origin.
  const notice = await waitForMail(
    USER.email,
    /^International calling blocked on Tls Harbour Co/,
    undefined,
    30_000,
  );
  expect(mailTo(USER.email)).toHaveLength(1);
  expect(notice.text).toContain('What happened');
  expect(notice.text).toContain('To +252 61 123 4567 (Somalia)');
  expect(notice.text).toContain('185.220.101.47');
  expect(notice.text).toContain('Change the SIP password of');
  expect(notice.text).not.toContain('Our support team decides when this block is lifted');
  const link = linkOf(notice);
  expect(link.startsWith(`${httpsUrl}/`)).toBe(true);

  const context = await browser.newContext({ ignoreHTTPSErrors: true, baseURL: httpsUrl });
  const page = await context.newPage();
  await page.goto(link);
  await continueLink(page);
  await expect(page).toHaveURL(new RegExp(`^${httpsUrl}/blocks/`));
  await expect(
    page.getByRole('heading', { name: `International calling blocked on Tls Harbour Co (${NUMBER})` }),
  ).toBeVisible();
  await expectAccessible(page);

  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-authjs.session-token');
  expect(session).toMatchObject({
    secure: true,
    httpOnly: true,
    path: '/',
    sameSite: 'Lax',
    domain: 'localhost',
  });
  // No session cookie under another name: neither Auth.js's `__Secure-` one nor the plain http one.
  expect(cookies.map((c) => c.name).filter((n) => /session-token/.test(n))).toEqual([
    '__Host-authjs.session-token',
  ]);
  expect(cookies.filter((c) => !c.secure).map((c) => c.name)).toEqual([]);

  // Server actions through the proxy: sign out, then sign in with the password.
  await page.goto('/');
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect((await context.cookies()).some((c) => c.name === '__Host-authjs.session-token')).toBe(false);
  await page.getByLabel('Email', { exact: true }).fill(USER.email);
  await page.getByLabel('Password', { exact: true }).fill(USER.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(`${httpsUrl}/`);
  await expect(page.getByRole('region', { name: /^Tls Harbour Co/ })).toBeVisible();
  await expectAccessible(page);

  // The audit log names the browser's address as nginx passed it on (X-Forwarded-For, one hop).
  expect(
    queryAt(
      portal.databaseUrl,
      `SELECT ip FROM "AuditLog" WHERE action = ? AND "actorEmail" = ?`,
      'sign_out',
      USER.email,
    ),
  ).toEqual([{ ip: '127.0.0.1' }]);
  // Each request's log line carries nginx's $request_id (32 hex digits): one id in both logs.
  const ids = fs
    .readFileSync(portal.logFile, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"path":"/sign-in"'))
    .map((l) => (JSON.parse(l) as { reqId: string }).reqId);
  expect(ids.length).toBeGreaterThan(0);
  expect(ids.filter((id) => /^[0-9a-f]{32}$/.test(id)).length).toBeGreaterThan(0);
  await context.close();
});

test('behind nginx: a signed event over 1 MiB reaches Tollgate, which answers its own final 413 and keeps its head', async () => {
  // nginx's default client_max_body_size (1 MiB) answered such an event with its own HTML 413, which a
  // switch must retry (docs/switch-api.md part 2: only a 413 with Tollgate's error body is final); the
  // block's `location = /api/switch/events` raises it to Tollgate's own read limit, 8 MiB.
  const calls = Array.from({ length: 20_000 }, (_, i) => ({
    from: CRED.username,
    to: `+25261${String(1_000_000 + i)}`,
    sourceIp: '185.220.101.47',
  }));
  const { id, raw } = blockPlacedEvent(NUMBER, calls, { at: BLOCKED_AT });
  const size = Buffer.byteLength(raw);
  expect(size).toBeGreaterThan(1024 * 1024); // over Tollgate's apply limit and nginx's default
  expect(size).toBeLessThan(8 * 1024 * 1024); // under Tollgate's read limit: read whole, and kept
  const api = await request.newContext({ ignoreHTTPSErrors: true });
  const answer = await api.post(`${httpsUrl}/api/switch/events`, {
    headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(E2E.webhookSecret, raw) },
    data: raw,
  });
  expect(answer.status()).toBe(413);
  expect(answer.headers()['content-type']).toContain('application/json');
  const { error } = (await answer.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('too_large');
  expect(error.message).toContain(`account ${NUMBER} will be compared`);
  await api.dispose();

  // Not applied, and kept as refused: its first 64 KiB, with the size Tollgate read (all of it).
  expect(queryAt(portal.databaseUrl, `SELECT id FROM "SwitchEvent" WHERE id = ?`, id)).toEqual([]);
  const kept = queryAt<{ body: string; error: string }>(
    portal.databaseUrl,
    `SELECT body, error FROM "SwitchEvent" WHERE "accountNumber" = ? AND status = 'rejected'`,
    NUMBER,
  );
  expect(kept).toHaveLength(1);
  expect(kept[0].error).toContain(`body of ${size} bytes`);
  expect(kept[0].body.length).toBeLessThanOrEqual(64 * 1024);
  expect(raw.startsWith(kept[0].body.slice(0, 1000))).toBe(true);
});
