// The Python switch (switch/interop/pyswitch.py), written from docs/switch-api.md alone, as a real
// process, and a portal instance of its own (`next start`, own SQLite database) that talks to it.
// Used by e2e/19-python-switch.spec.ts: CI proves that the docs a switch engineer reads still match
// what the portal does.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { queryAt } from './db';
import { E2E } from './env';
import { startPortal, stopGroup, type Portal } from './kamailio-portal';

export const PYSWITCH_DIR = path.resolve('test-results/python-switch');
const SWITCH_PORT = E2E.pySwitchPort;
const PORTAL_PORT = E2E.pyPortalPort;

export interface PySwitch {
  portal: Portal;
  apiUrl: string;
  /** A call to the Python switch (its /v1 API or its /_py control API), with the bearer token. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: each test asserts the shape it reads
  call(method: string, urlPath: string, body?: unknown): Promise<{ status: number; json: any }>;
  /** Read-only query on the portal's SQLite database (assertions only). */
  query<T>(sql: string, ...params: unknown[]): T[];
  stop(): Promise<void>;
}

export async function startPySwitch(): Promise<PySwitch> {
  fs.rmSync(PYSWITCH_DIR, { recursive: true, force: true });
  fs.mkdirSync(PYSWITCH_DIR, { recursive: true });
  const token = `py-token-${randomBytes(12).toString('hex')}`;
  const secret = `py-webhook-${randomBytes(24).toString('hex')}`;
  const apiUrl = `http://127.0.0.1:${SWITCH_PORT}`;
  const log = fs.openSync(path.join(PYSWITCH_DIR, 'pyswitch.log'), 'a');
  const sw: ChildProcess = spawn(
    'python3',
    [
      'switch/interop/pyswitch.py',
      '--port',
      String(SWITCH_PORT),
      '--events-url',
      `http://localhost:${PORTAL_PORT}/api/switch/events`,
    ],
    {
      env: {
        ...process.env,
        SWITCH_API_TOKEN: token,
        SWITCH_WEBHOOK_SECRET: secret,
        PYTHONDONTWRITEBYTECODE: '1',
      },
      stdio: ['ignore', log, log],
      detached: true,
    },
  );
  fs.closeSync(log);
  let portal: Portal | undefined;
  const stop = async () => {
    await portal?.stop().catch(() => undefined);
    await stopGroup(sw).catch(() => undefined);
  };
  const call = async (method: string, urlPath: string, body?: unknown) => {
    const res = await fetch(`${apiUrl}${urlPath}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
  try {
    for (let i = 0; ; i++) {
      if (sw.exitCode !== null) throw new Error(`pyswitch exited with ${sw.exitCode}`);
      const up = await fetch(`${apiUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (up) break;
      if (i > 50) throw new Error('pyswitch did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    portal = await startPortal({
      dir: PYSWITCH_DIR,
      port: PORTAL_PORT,
      env: {
        SWITCH_API_URL: apiUrl,
        SWITCH_API_TOKEN: token,
        SWITCH_WEBHOOK_SECRET: secret,
        SMTP_URL: `smtp://127.0.0.1:${E2E.smtpPort}`,
        RECONCILE_INTERVAL_MS: '2000',
      },
      // The demo data, Acme Dental without its block: the Python switch places it.
      seed: { script: 'e2e/support/kamailio-seed.ts' },
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    portal,
    apiUrl,
    call,
    query<T>(sql: string, ...params: unknown[]): T[] {
      return queryAt<T>(portal.databaseUrl, sql, ...params);
    },
    stop,
  };
}
