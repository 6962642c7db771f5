// Drill (2026-12-03): another process holds the SQLite file's write lock (`BEGIN IMMEDIATE`, as the
// admin CLI, a backup script or a second portal does for a moment) for `holdSeconds`. Meanwhile it
// asks a demo portal for liveness every 50 ms, and, half a second into the hold, for readiness, a
// signed-in customer page (dana's block page) and a write (a signed `block.placed` event for ACC-1002,
// CONTRACTS §4); it prints what each answered and after how long, and the longest liveness answer
// (the process's event loop stands still while a statement waits synchronously). Needs `npm run demo`:
//   DEMO_DATA_DIR=data npx tsx scripts/ops-lab/sqlite-lock.ts http://localhost:3000 8
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from '@playwright/test';
import { signEvent } from '../../lib/switch/signature';
import { CHROMIUM_ARGS, CHROMIUM_HEADLESS_SHELL_PATH } from '../chromium';

const [portal = 'http://localhost:3000', holdArg = '8'] = process.argv.slice(2);
const holdMs = Number(holdArg) * 1000;
const DATA = path.resolve(process.env.DEMO_DATA_DIR || 'data');
const secret = JSON.parse(
  fs.readFileSync(path.join(DATA, 'demo-secrets.json'), 'utf8'),
).SWITCH_WEBHOOK_SECRET;

const started = Date.now();
const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const secs = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(2)} s`;

async function timed(what: string, f: () => Promise<string>): Promise<string> {
  const t0 = Date.now();
  try {
    return `${what}: ${await f()} after ${secs(t0)}`;
  } catch (e) {
    return `${what}: failed (${(e as Error).message.split('\n')[0]}) after ${secs(t0)}`;
  }
}

const browser = await chromium.launch({ executablePath: CHROMIUM_HEADLESS_SHELL_PATH, args: CHROMIUM_ARGS });
let holder: ReturnType<typeof spawn> | null = null;
let heldAt = 0;
try {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${portal}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill('dana@acme.example');
  await page.getByLabel('Password', { exact: true }).fill('demo-dana-2026');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  await page.goto(`${portal}/accounts/ACC-1001`);

  // Liveness, back to back: the longest answer is the longest the process could not answer anything.
  let probing = true;
  const liveness: number[] = [];
  const probe = (async () => {
    while (probing) {
      const t0 = Date.now();
      await fetch(`${portal}/api/health`).catch(() => undefined);
      liveness.push(Date.now() - t0);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  await new Promise((r) => setTimeout(r, 1000));

  holder = spawn(
    process.execPath,
    [
      '-e',
      `const db = new (require('better-sqlite3'))(process.argv[1]);
       db.exec('BEGIN IMMEDIATE'); console.log('holding');
       setTimeout(() => { db.exec('COMMIT'); db.close(); }, Number(process.argv[2]));`,
      path.join(DATA, 'demo.db'),
      String(holdMs),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = once(holder, 'exit').then(() => secs(heldAt));
  await once(holder.stdout!, 'data');
  heldAt = Date.now();
  console.log(`${at()} another process holds the write lock for ${holdArg} s`);
  const before = liveness.length;
  await new Promise((r) => setTimeout(r, 500));
  const raw = JSON.stringify({
    id: `evt_drill_${crypto.randomBytes(8).toString('hex')}`,
    type: 'block.placed',
    occurredAt: new Date().toISOString(),
    data: {
      accountNumber: 'ACC-1002',
      reason: 'high_risk_destination',
      calls: [
        { at: new Date().toISOString(), from: 'labs-trunk', to: '+252611234567', sourceIp: '203.0.113.9' },
      ],
    },
  });
  const answers = await Promise.all([
    timed('readiness', async () => {
      const r = await fetch(`${portal}/api/health/ready`);
      return `${r.status} database=${((await r.json()) as { database?: { status: string } }).database?.status}`;
    }),
    timed('customer page', async () => {
      const r = await page.goto(`${portal}/accounts/ACC-1001`);
      return `${r?.status()} h1="${(await page.locator('h1').first().textContent())?.trim()}"`;
    }),
    timed('switch event (a write)', async () => {
      const r = await fetch(`${portal}/api/switch/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'tollgate-signature': signEvent(secret, raw) },
        body: raw,
      });
      return `${r.status} ${await r.text()}`;
    }),
  ]);
  for (const a of answers) console.log(`${at()} during: ${a}`);
  console.log(`${at()} the other process committed after ${await exited}`);
  await new Promise((r) => setTimeout(r, 1000));
  probing = false;
  await probe;
  const during = liveness.slice(before);
  console.log(
    `${at()} liveness during the hold: ${during.length} answers, longest ${Math.max(...during)} ms` +
      ` (before it: longest ${Math.max(...liveness.slice(0, before))} ms)`,
  );
} finally {
  holder?.kill();
  await browser.close();
}
