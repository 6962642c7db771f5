import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '@/switch/simulator';

// A simulator on a random loopback port with its own temporary database, plus a typed helper for
// its control API. Delivery timings are shortened so that retry tests take milliseconds.

export const TOKEN = 'test-switch-token-0123456789';
export const WEBHOOK_SECRET = 'test-webhook-secret-0123456789abcdef';

export type TestSim = RunningSimulator & {
  dataFile: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- test helper: each test asserts the shape it reads
  control<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
};

export async function startTestSim(options: Partial<SimulatorOptions> = {}, dir?: string): Promise<TestSim> {
  const workDir = dir ?? mkdtempSync(join(tmpdir(), 'tollgate-sim-'));
  const dataFile = join(workDir, 'switch-sim.db');
  const sim = await startSimulator({
    port: 0,
    dataFile,
    token: TOKEN,
    webhookSecret: WEBHOOK_SECRET,
    eventsUrl: null,
    log: () => {},
    delivery: { intervalMs: 30, backoffBaseMs: 20, backoffMaxMs: 100, timeoutMs: 2000 },
    ...options,
  });
  return {
    ...sim,
    dataFile,
    async control(method, path, body) {
      const res = await fetch(sim.url + path, {
        method,
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    async stop() {
      await sim.close();
      if (!dir) rmSync(workDir, { recursive: true, force: true });
    },
  };
}

/** The demo's accounts (CONTRACTS §5), as the seed provisions them. */
export async function seedDemoAccounts(sim: TestSim): Promise<void> {
  const future = new Date(Date.now() + 3600_000).toISOString();
  const put = async (n: string, body: unknown) => {
    const res = await sim.control('PUT', `/_sim/accounts/${n}`, body);
    if (res.status !== 200) throw new Error(`provisioning ${n} failed: ${JSON.stringify(res.body)}`);
  };
  await put('ACC-1001', {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    blockedAt: '2026-11-25T09:14:03Z',
    credentials: [
      {
        username: 'acme-reception',
        password: 'old-reception-pass',
        registrations: [
          {
            contact: 'sip:acme-reception@198.51.100.7:5060',
            sourceIp: '198.51.100.7',
            userAgent: 'Yealink T46U',
            expiresAt: future,
          },
        ],
      },
      { username: 'acme-pbx', password: 'old-pbx-pass' },
    ],
  });
  await put('ACC-1002', {
    internationalCalling: 'allowed',
    credentials: [{ username: 'labs-trunk', password: 'old-labs-pass' }],
  });
}

/**
 * For a test file: one simulator for all its tests (handed to `take` once started), reset to the demo
 * accounts before each test, stopped after the last one.
 */
export function demoSimPerFile(take: (sim: TestSim) => void): void {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
    take(sim);
  });
  afterAll(() => sim.stop());
  beforeEach(async () => {
    await sim.control('POST', '/_sim/reset');
    await seedDemoAccounts(sim);
  });
}

/**
 * For a test file that runs the portal's own switch client: one simulator for all its tests, with
 * SWITCH_API_URL pointing at it before anything reads the environment (the client reads it once),
 * handed to `take` once started; stopped after the last test.
 */
export function appSimPerFile(take: (sim: TestSim) => void): void {
  let sim: TestSim;
  beforeAll(async () => {
    sim = await startTestSim();
    process.env.SWITCH_API_URL = sim.url;
    take(sim);
  });
  afterAll(() => sim.stop());
}
