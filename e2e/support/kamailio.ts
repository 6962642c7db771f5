// The full loop's environment (issue 7): the reference Kamailio switch, a SIPp carrier, and a second
// portal instance whose switch is that Kamailio. Everything on free loopback ports, in process groups
// that stop() ends. Used by e2e/kamailio-loop.spec.ts.
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEMO_ACCOUNTS } from '../../lib/demo/data';
import { startReferenceSwitch, type ReferenceSwitch } from '../../switch/kamailio/src/launcher';
import {
  ensureSwitchTools,
  freeUdpPort,
  runSipp,
  startUas,
  type SippCall,
  type Uas,
} from '../../tests/kamailio/harness';
import { queryAt } from './db';
import { freeTcpPort, startPortal, type Portal } from './kamailio-portal';

export const LOOP_DIR = path.resolve('test-results/kamailio-loop');

export interface Loop {
  portal: Portal;
  sw: ReferenceSwitch;
  uas: Uas;
  token: string;
  work: string;
  /** Read-only query on the loop portal's SQLite database (assertions only). */
  query<T>(sql: string, ...params: unknown[]): T[];
  /** The switch API, called the way Tollgate's client calls it. */
  switchApi(
    method: string,
    urlPath: string,
    body?: unknown,
  ): Promise<{ status: number; json: Record<string, unknown> | undefined }>;
  sipp(c: Omit<SippCall, 'switchAddress' | 'cwd'>): ReturnType<typeof runSipp>;
  stop(): Promise<void>;
}

/** The demo credentials with their initial SIP passwords (lib/demo/data.ts). */
export const demoPassword = (username: string): string => {
  for (const a of DEMO_ACCOUNTS)
    for (const c of a.credentials) if (c.username === username) return c.initialPassword;
  throw new Error(`no demo credential ${username}`);
};

export async function startLoop(): Promise<Loop> {
  ensureSwitchTools(); // apt-get as root, else a clear error: never a skip
  fs.rmSync(LOOP_DIR, { recursive: true, force: true });
  fs.mkdirSync(LOOP_DIR, { recursive: true });
  // Kamailio's ctl socket path must stay under ~100 bytes; a deep checkout falls back to the temp dir.
  const work =
    path.join(LOOP_DIR, 'switch').length < 80 ? LOOP_DIR : fs.mkdtempSync(path.join(os.tmpdir(), 'tg-loop-'));
  const token = `loop-token-${randomBytes(12).toString('hex')}`;
  const webhookSecret = `loop-webhook-${randomBytes(24).toString('hex')}`;
  const httpPort = await freeTcpPort();
  const apiUrl = `http://127.0.0.1:${httpPort}`;

  let portal: Portal | undefined;
  let sw: ReferenceSwitch | undefined;
  let uas: Uas | undefined;
  const stop = async () => {
    await portal?.stop().catch(() => undefined);
    await sw?.stop().catch(() => undefined);
    await uas?.stop().catch(() => undefined);
  };
  try {
    // 1. The portal: fresh SQLite database, migrated, demo data without Acme Dental's block.
    const smtpPort = await freeTcpPort(); // nothing listens there: mail stays queued (this loop does not depend on SMTP)
    portal = await startPortal({
      dir: LOOP_DIR,
      env: {
        SWITCH_API_URL: apiUrl,
        SWITCH_API_TOKEN: token,
        SWITCH_WEBHOOK_SECRET: webhookSecret,
        SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      },
      seed: { script: 'e2e/support/kamailio-seed.ts' },
    });
    // 2. The carrier behind the switch, and the switch itself, provisioned with the demo credentials.
    uas = await startUas(work);
    const logFile = path.join(work, 'companion.log');
    sw = await startReferenceSwitch({
      sipPort: await freeUdpPort(),
      httpPort,
      dataDir: path.join(work, 'switch'),
      token,
      webhookSecret,
      eventsUrl: `${portal.url}/api/switch/events`,
      uasAddress: uas.address,
      children: 2,
      log: (line) => fs.appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`),
      delivery: { pollIntervalMs: 100, timeoutMs: 5_000, retryBaseMs: 250, retryMaxMs: 1_000 },
      provision: {
        accounts: DEMO_ACCOUNTS.map((a) => ({
          number: a.number,
          name: a.name,
          country: a.country, // the switch reads dialled numbers with the same dialling plan as the portal
          // Acme Dental starts allowed: the loop shows the switch blocking it. The others match the portal's demo.
          internationalCalling:
            a.block && a.number !== 'ACC-1001' ? ('blocked' as const) : ('allowed' as const),
          credentials: a.credentials.map((c) => ({ username: c.username, password: c.initialPassword })),
        })),
        highRiskPrefixes: ['+252', '+881', '+882', '+883'],
        hotspotRanges: ['198.51.100.0/24'],
      },
    });
    if (sw.apiUrl.replace(/\/$/, '') !== apiUrl)
      throw new Error(`switch API on ${sw.apiUrl}, expected ${apiUrl}`);
  } catch (e) {
    await stop();
    throw e;
  }

  const switchAddress = sw.sipAddress;
  return {
    portal,
    sw,
    uas,
    token,
    work,
    query<T>(sql: string, ...params: unknown[]): T[] {
      return queryAt<T>(portal.databaseUrl, sql, ...params);
    },
    async switchApi(method, urlPath, body) {
      const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
      if (method !== 'GET') headers['Idempotency-Key'] = randomUUID();
      if (body !== undefined) headers['Content-Type'] = 'application/json';
      const res = await fetch(`${apiUrl}${urlPath}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(5_000),
      });
      const text = await res.text();
      return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : undefined };
    },
    sipp: (c) => runSipp({ ...c, switchAddress, cwd: work }),
    stop,
  };
}
