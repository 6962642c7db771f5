// Drill (2026-12-03): the database stops answering. `stop` freezes PostgreSQL (SIGSTOP to the
// postmaster and every backend: a stuck primary, or a partition that drops packets); `lock` keeps
// PostgreSQL up but has a forgotten session hold locks the portal needs (the customer's User row
// FOR UPDATE, and the outbox tables in EXCLUSIVE mode). Meanwhile it asks portal a for its readiness,
// a customer page and a server action (the profile's time zone), each for at most 90 s, prints what
// each answered and after how long, and the worker lines of the portal's log; then it lifts the fault
// (SIGCONT, or ends the session) and asks again. Needs the lab up (scripts/ops-lab/lab.sh up):
//   npx tsx scripts/ops-lab/db-hang.ts stop|lock
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_HEADLESS_SHELL_PATH } from '../chromium';

const mode = process.argv[2];
if (mode !== 'stop' && mode !== 'lock') throw new Error('usage: db-hang.ts stop|lock');
const DIR = process.env.OPS_LAB_DIR ?? '/tmp/ops-lab';
const BASE = Number(process.env.OPS_LAB_BASE ?? 5000);
const PORTAL = `http://localhost:${BASE + 1}`;
const PG = `postgresql://postgres@127.0.0.1:${BASE + 70}/postgres`;
const CAP_MS = 90_000;

const started = Date.now();
const at = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const secs = (t0: number) => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

/** The postmaster and its backends (postmaster.pid's first line; their children by pgrep -P). */
function pgProcesses(): number[] {
  const main = Number(fs.readFileSync(path.join(DIR, 'pg/data/postmaster.pid'), 'utf8').split('\n')[0]);
  const kids = execFileSync('pgrep', ['-P', String(main)], { encoding: 'utf8' })
    .trim()
    .split('\n');
  return [main, ...kids.filter(Boolean).map(Number)];
}
const signalAll = (sig: NodeJS.Signals) => pgProcesses().forEach((p) => process.kill(p, sig));

async function ready(): Promise<string> {
  const t0 = Date.now();
  try {
    const r = await fetch(`${PORTAL}/api/health/ready`, { signal: AbortSignal.timeout(CAP_MS) });
    const body = (await r.json()) as Record<string, { status: string }>;
    return `${r.status} database=${body.database?.status} workers=${body.workers?.status} after ${secs(t0)}`;
  } catch (e) {
    return `no answer (${(e as Error).name}) after ${secs(t0)}`;
  }
}

async function customerPage(page: Page): Promise<string> {
  const t0 = Date.now();
  try {
    const r = await page.goto(`${PORTAL}/accounts/ACC-7001`, { timeout: CAP_MS });
    const h1 =
      (await page
        .locator('h1')
        .first()
        .textContent({ timeout: 2000 })
        .catch(() => null)) ?? '';
    const body = (await page.locator('body').innerText()).replace(/\s+/g, ' ').slice(0, 160);
    return `${r?.status()} h1="${h1.trim()}" after ${secs(t0)} | ${body}`;
  } catch (e) {
    return `no page (${(e as Error).message.split('\n')[0]}) after ${secs(t0)}`;
  }
}

async function saveTimeZone(page: Page, zone: string): Promise<string> {
  const t0 = Date.now();
  try {
    await page.getByLabel('Time zone', { exact: true }).selectOption(zone);
    await page.getByRole('button', { name: 'Save time zone' }).click();
    const answer = page.locator('#time-zone-message:not(:empty), [role="alert"] h1');
    await answer.first().waitFor({ timeout: CAP_MS });
    const took = secs(t0);
    // What the list shows afterwards: the zone chosen, or (an error page) nothing.
    const list = page.getByLabel('Time zone', { exact: true });
    const shown = (await list.count()) ? await list.inputValue() : '(no form)';
    return `"${(await answer.first().innerText()).replace(/\s+/g, ' ')}" after ${took}; the list shows ${shown}`;
  } catch (e) {
    return `no answer (${(e as Error).message.split('\n')[0]}) after ${secs(t0)}`;
  }
}

const logLines = (from: number) =>
  fs
    .readFileSync(path.join(DIR, 'portal-a.log'), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('{') && /worker tick failed|"level":"error"/.test(l))
    .filter((l) => Date.parse(JSON.parse(l).time) >= from)
    .map((l) => {
      const j = JSON.parse(l);
      return `  ${new Date(j.time).toISOString().slice(11, 19)} ${j.worker ?? ''} ${j.msg} ${((j.err ?? j.error)?.message ?? '').replace(/\s+/g, ' ').trim().slice(0, 100)}`;
    });

const browser = await chromium.launch({ executablePath: CHROMIUM_HEADLESS_SHELL_PATH, args: CHROMIUM_ARGS });
let holder: ReturnType<typeof spawn> | null = null;
try {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${PORTAL}/sign-in`);
  await page.getByLabel('Email', { exact: true }).fill('cust@lab.example');
  await page.getByLabel('Password', { exact: true }).fill('Quiet-Harbor-Violet-2026');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.waitForURL((u) => !u.pathname.startsWith('/sign-in'));
  const form = await context.newPage();
  await form.goto(`${PORTAL}/profile`);
  console.log(`${at()} before: ready ${await ready()}`);

  const faultAt = Date.now();
  if (mode === 'stop') {
    signalAll('SIGSTOP');
    console.log(`${at()} SIGSTOP to PostgreSQL (${pgProcesses().length} processes)`);
  } else {
    holder = spawn('psql', ['-q', '-v', 'ON_ERROR_STOP=1', PG], { stdio: ['pipe', 'inherit', 'inherit'] });
    holder.stdin!.write(
      `BEGIN; SELECT 1 FROM "User" WHERE email = 'cust@lab.example' FOR UPDATE;\n` +
        `LOCK TABLE "MailMessage", "SwitchOperation" IN EXCLUSIVE MODE;\n`,
    );
    await new Promise((r) => setTimeout(r, 1000));
    console.log(`${at()} a psql session holds the customer's User row and the outbox tables`);
  }
  const [r, p, a] = await Promise.all([ready(), customerPage(page), saveTimeZone(form, 'Europe/Madrid')]);
  console.log(`${at()} during: ready ${r}`);
  console.log(`${at()} during: page ${p}`);
  console.log(`${at()} during: action ${a}`);
  console.log(
    `${at()} worker and error lines since the fault:\n${logLines(faultAt).slice(0, 12).join('\n')}`,
  );

  if (mode === 'stop') signalAll('SIGCONT');
  else holder!.stdin!.end('ROLLBACK;\n');
  console.log(`${at()} fault lifted`);
  await new Promise((r) => setTimeout(r, 3000));
  const form2 = await context.newPage();
  await form2.goto(`${PORTAL}/profile`, { timeout: CAP_MS });
  console.log(`${at()} after: ready ${await ready()}`);
  console.log(`${at()} after: page ${await customerPage(page)}`);
  console.log(`${at()} after: action ${await saveTimeZone(form2, 'UTC')}`);
} finally {
  try {
    if (mode === 'stop') signalAll('SIGCONT');
  } catch {}
  holder?.kill();
  await browser.close();
}
