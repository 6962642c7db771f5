// Issue 14, goals 1 and 4: the dashboard and the block page against a bare dynamic Next page (bench/bare:
// same Next version, built by this bench and served by the same scripts/serve.mjs), measured in the
// same run. Load: autocannon, `BENCH_CONNECTIONS` (32) keep-alive connections for `BENCH_PHASE_MS`
// (8000) per phase, phases A B A C A (A = bare page, B = dashboard, C = block page), each page compared
// with the mean of the bare phases just before and after it. Every portal's switch is the switch
// simulator, provisioned with the demo accounts (bench/server.ts startSwitchSim): the block page reads
// its registered devices from it on each view, as from a provider's switch (until the thirty-second
// session it read them from a closed port, a failure per credential per view, about 20 % cheaper
// than the answer). With `BENCH_BASELINE_DIR` (another tree
// with its own production build, e.g. main in a copy), that tree's dashboard and block page are
// measured in the same run too, each before its counterpart: A B₀ A B A C₀ A C A. Then the first-load JavaScript (gzip) of
// the bare page, the dashboard and the SIP password reset page, and the database queries each page
// makes (a second portal with TOLLGATE_DB_QUERY_LOG=1, one request per page).
// Last, what one visit costs the server, beyond the page's own request: Chromium opens the dashboard
// and the block page signed in, and every request it sends the portal in the load and the
// `BENCH_VISIT_IDLE_MS` (3000) after it (static files aside: the link prefetches, say) is replayed
// alone with the same headers for `BENCH_VISIT_PHASE_MS` (3000) at the same concurrency; its server
// time is 1000 / req/s (the server's one thread saturated), and a visit's is their sum. Of this
// tree's build, and of the baseline's when there is one.
// And at a provider's size (`BENCH_PAGES_SCALE`, default 1; 0 skips it): the same demo customer's
// dashboard and block page served from a copy of the staff bench's database (100 000 other accounts,
// members and blocks, 1 000 000 block events and audit rows: bench/staff-seed.ts, built once and
// cached) with the demo seeded on top, each between two bare phases. The demo database holds a
// handful of accounts, so a read that walks every account costs nothing there (bench/README.md,
// nineteenth session: the dashboard's 57–96 ms at 100 000 accounts).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from '@playwright/test';
import { freeTcpPort, killGroupOnExit, stopGroup } from '../e2e/support/kamailio-portal';
import { CHROMIUM_PATH } from '../scripts/chromium';
import { envInt, round, runBench, type BenchResult, finishResult } from './harness/report';
import { BENCH_SECRET, startPortal, startSwitchSim } from './server';
import { sessionCookie } from './session';
import { SIZES, migrateAndSeed } from './staff-seed';

const BARE_DIR = path.resolve('bench/bare');
const NEXT_BIN = path.resolve('node_modules/next/dist/bin/next');

/** A hash of a fixture app's own files (`dir`) and the Next version: its build is redone only when one changes. */
function fixtureHash(dir: string): string {
  const h = crypto.createHash('sha256');
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name === '.next' || e.name === 'trees') continue;
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(path.relative(dir, p)).update('\0').update(fs.readFileSync(p)).update('\0');
    }
  };
  walk(dir);
  h.update(JSON.parse(fs.readFileSync(path.resolve('node_modules/next/package.json'), 'utf8')).version);
  return h.digest('hex');
}

/**
 * `next build` of a fixture app (`dir`: bench/bare by default, or bench/markup), once: skipped when its
 * .next was built from the same files (`trees/`, data the markup fixture reads at run time, aside).
 */
export function buildBare(dir = BARE_DIR): { built: boolean; seconds: number } {
  const stamp = path.join(dir, '.next', 'bench-hash');
  const hash = fixtureHash(dir);
  if (fs.existsSync(path.join(dir, '.next', 'BUILD_ID')) && fs.existsSync(stamp))
    if (fs.readFileSync(stamp, 'utf8') === hash) return { built: false, seconds: 0 };
  const started = Date.now();
  // Run in the fixture itself: from the repository root, Next also picks up the portal's proxy.ts and
  // instrumentation.ts.
  const r = spawnSync(process.execPath, [NEXT_BIN, 'build'], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (r.status !== 0)
    throw new Error(`next build of ${path.relative(process.cwd(), dir)} failed (exit ${r.status})`);
  fs.writeFileSync(stamp, hash);
  return { built: true, seconds: round((Date.now() - started) / 1000) };
}

/** A fixture app (`dir`: bench/bare by default) on a free port, served like the portal (scripts/serve.mjs run in it). */
export async function startBare(dir = BARE_DIR): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freeTcpPort();
  const url = `http://localhost:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [path.resolve('scripts/serve.mjs'), '--port', String(port), '--host', 'localhost'],
    { cwd: dir, env: { ...process.env, NODE_ENV: 'production' }, stdio: 'ignore', detached: true },
  );
  const stop = () => stopGroup(child);
  killGroupOnExit(child);
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(2_000) })).ok) return { url, stop };
    } catch {
      /* not up yet */
    }
    if (child.exitCode !== null || Date.now() > until) {
      await stop();
      throw new Error(`the fixture app ${path.relative(process.cwd(), dir)} on ${url} did not start`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

type Phase = {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
  requests: number;
  /** The serving process's CPU time (user + system, all its threads) per request, ms; null if unread. */
  cpuMs: number | null;
};

/**
 * The process listening on `url`'s port, by `ss` (iproute2, Linux), or null where it cannot be read.
 * The portal and the bare page are each one process (scripts/serve.mjs serves Next in-process).
 */
function listenerPid(url: string): number | null {
  const r = spawnSync('ss', ['-ltnpH', `sport = :${new URL(url).port}`], { encoding: 'utf8' });
  const m = r.status === 0 ? /pid=(\d+)/.exec(r.stdout) : null;
  return m ? Number(m[1]) : null;
}

/** CPU time `pid` has used so far (utime + stime of /proc/<pid>/stat, every thread), ms; null if unread. */
function cpuMsOf(pid: number | null): number | null {
  if (pid === null) return null;
  try {
    // Fields after the command's closing parenthesis: state is 3rd, utime 14th, stime 15th (proc(5)).
    // The command may itself hold ") ": the last one ends it.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return null;
  }
}
/** USER_HZ, the unit of /proc/<pid>/stat's times: 100 on Linux unless `getconf CLK_TCK` says otherwise. */
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout) || 100;

/**
 * autocannon against one URL: requests/s over the phase, latency percentiles (ms), failures, and
 * the server's CPU time per request. Requests/s on a shared machine moves with whatever else runs;
 * time the server waits for a core is not CPU time, so that moves less (one run beside two testers'
 * servers, 2026-12-06: the bare page 58 to 218 req/s, 3.8×; its CPU time 4.1 to 8.4 ms per request, 2×).
 */
export async function cannon(url: string, headers: Record<string, string>, ms: number, connections: number) {
  const pid = listenerPid(url);
  const cpuBefore = cpuMsOf(pid);
  const r = await autocannon({ url, headers, connections, duration: ms / 1000 });
  const cpuAfter = cpuMsOf(pid);
  return {
    rps: round(r.requests.total / (ms / 1000)),
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
    requests: r.requests.total,
    cpuMs:
      cpuBefore !== null && cpuAfter !== null && r.requests.total > 0
        ? round((cpuAfter - cpuBefore) / r.requests.total)
        : null,
  } satisfies Phase;
}

/** Gzipped bytes (KiB) of every script the page's HTML loads, as a first visit downloads them. */
async function firstLoadJs(url: string, cookie: string): Promise<number> {
  const html = await (await fetch(url, { headers: { cookie } })).text();
  const srcs = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]))];
  let total = 0;
  for (const src of srcs)
    total += zlib.gzipSync(Buffer.from(await (await fetch(new URL(src, url))).arrayBuffer())).length;
  return round(total / 1024);
}

/** A request a browser sent the portal: where, and the headers that decide what the server renders. */
interface Sent {
  path: string;
  headers: Record<string, string>;
}

/**
 * A new page of a fresh context of `browser` holding the session cookie `cookie` (`name=value`) for
 * `url`'s origin: the bench's signed-in customer, as a browser that signed in would send it.
 */
export async function signedInPage(browser: Browser, url: string, cookie: string): Promise<Page> {
  const context = await browser.newContext();
  const [name, value] = [cookie.slice(0, cookie.indexOf('=')), cookie.slice(cookie.indexOf('=') + 1)];
  await context.addCookies([{ name, value, url }]);
  return context.newPage();
}

/**
 * Every request Chromium sends the portal while it loads `url` signed in (`cookie`: `name=value`) and
 * for `idleMs` after the load: the page itself, the link prefetches, any action or refresh. Static
 * files (`/_next/static/`, the icon) are left out: they cost the server no render.
 */
async function visitRequests(url: string, cookie: string, idleMs: number): Promise<Sent[]> {
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH });
  try {
    const page = await signedInPage(browser, url, cookie);
    const origin = new URL(url).origin;
    const sent: Sent[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.origin !== origin || u.pathname.startsWith('/_next/static/') || u.pathname.startsWith('/icon'))
        return;
      const headers = Object.fromEntries(
        Object.entries(r.headers()).filter(([k]) => k === 'rsc' || k.startsWith('next-')),
      );
      sent.push({ path: u.pathname + u.search, headers });
    });
    await page.goto(url, { waitUntil: 'load' });
    await page.waitForTimeout(idleMs);
    return sent;
  } finally {
    await browser.close();
  }
}

/**
 * One visit's requests replayed one kind at a time: each one's server time (ms) and their sum. A
 * request of which no copy finished within its phase (a server stalled by other work on the machine)
 * has no server time: null, and so is the sum (it used to print "Infinity ms").
 */
async function visitCost(origin: string, cookie: string, sent: Sent[], ms: number, connections: number) {
  const each: { path: string; prefetch: boolean; ms: number | null; errors: number; finished: number }[] = [];
  for (const r of sent) {
    const p = await cannon(`${origin}${r.path}`, { cookie, ...r.headers }, ms, connections);
    each.push({
      path: r.path,
      prefetch: r.headers['next-router-prefetch'] === '1',
      ms: p.requests > 0 ? round(1000 / p.rps, 2) : null,
      errors: p.errors + p.non2xx,
      finished: p.requests,
    });
  }
  const total = each.every((e) => e.ms !== null) ? round(each.reduce((n, e) => n + e.ms!, 0)) : null;
  return { requests: each.length, ms: total, each };
}

/** The demo data the pages show: Dana's blocked account's block and a credential to reset. */
export function demoIds(databaseUrl: string) {
  const db = new Database(databaseUrl.replace(/^file:/, ''), { readonly: true });
  try {
    const block = db
      .prepare(
        `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-1001'`,
      )
      .get() as { id: string };
    const cred = db.prepare(`SELECT id FROM "SipCredential" WHERE username = 'acme-reception'`).get() as {
      id: string;
    };
    return { blockId: block.id, credentialId: cred.id };
  } finally {
    db.close();
  }
}

/** Database queries per request of each page: Prisma's query log lines in the server log around one request. */
async function queriesPerPage(
  paths: Record<string, string>,
  switchEnv: Record<string, string>,
): Promise<Record<string, number>> {
  const portal = await startPortal({ env: { ...switchEnv, TOLLGATE_DB_QUERY_LOG: '1' } });
  try {
    const cookie = await sessionCookie(portal.databaseUrl, 'dana@acme.example', BENCH_SECRET);
    const ids = demoIds(portal.databaseUrl);
    const count = () => (fs.readFileSync(portal.logFile, 'utf8').match(/prisma:query/g) ?? []).length;
    const out: Record<string, number> = {};
    for (const [name, p] of Object.entries(paths)) {
      const url = `${portal.url}${p.replace(':block', ids.blockId).replace(':credential', ids.credentialId)}`;
      await (await fetch(url, { headers: { cookie } })).text(); // warm: first-request work is not per request
      await new Promise((r) => setTimeout(r, 300));
      const before = count();
      await (await fetch(url, { headers: { cookie } })).text();
      await new Promise((r) => setTimeout(r, 300)); // after() work and the log flush
      out[name] = count() - before;
    }
    return out;
  } finally {
    portal.stop();
  }
}

type Measure = (url: string, cookie: string) => Promise<Measured>;
/** A page's phase against the bare phases around it (`measure` in run). */
type Measured = {
  p: Phase;
  around: number;
  ratio: number;
  cpuAround: number | null;
  cpuRatio: number | null;
};

/**
 * The demo customer's dashboard and block page on a provider-sized database: a copy of the staff
 * bench's (bench/staff-seed.ts `migrateAndSeed`, SIZES accounts) with the demo seeded on top, served
 * by this tree's build; each page measured by `measure` (a phase, then a bare phase). `same`: the
 * dashboard shows the demo block there too. The copy is removed afterwards (about 600 MB).
 */
async function atScale(measure: Measure, switchEnv: Record<string, string>) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-pages-'));
  try {
    const databaseUrl = `file:${path.join(dir, 'scale.db')}`;
    const t = Date.now();
    const { cached } = await migrateAndSeed(databaseUrl);
    const seed = `${round((Date.now() - t) / 1000)} s${cached ? ', cached' : ''}`;
    const big = await startPortal({ databaseUrl, env: switchEnv });
    try {
      const cookie = await sessionCookie(big.databaseUrl, 'dana@acme.example', BENCH_SECRET);
      const html = await (await fetch(`${big.url}/`, { headers: { cookie } })).text();
      const pages = {
        dashboard: `${big.url}/`,
        blockPage: `${big.url}/blocks/${demoIds(big.databaseUrl).blockId}`,
      };
      for (const u of Object.values(pages)) await cannon(u, { cookie }, 2000, 8); // warm-up
      return {
        seed,
        same: html.includes('International calling blocked'),
        dashboard: await measure(pages.dashboard, cookie),
        blockPage: await measure(pages.blockPage, cookie),
      };
    } finally {
      big.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function run(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const connections = envInt('BENCH_CONNECTIONS', 32);
  const phaseMs = envInt('BENCH_PHASE_MS', 8000);
  const bareBuild = buildBare();
  const bare = await startBare();
  // The switch answers the block page's registered devices as in production (bench/server.ts).
  const sim = await startSwitchSim();
  const portal = await startPortal({ env: sim.env });
  try {
    const cookie = await sessionCookie(portal.databaseUrl, 'dana@acme.example', BENCH_SECRET);
    const { blockId, credentialId } = demoIds(portal.databaseUrl);
    const headers = { cookie };
    const dashHtml = await (await fetch(portal.url, { headers })).text();
    const signedIn = dashHtml.includes('International calling blocked');
    if (!signedIn) throw new Error('bench session is not signed in');
    // The demo block's phones, as the switch's registrar holds them (lib/demo/data.ts).
    const blockHtml = await (await fetch(`${portal.url}/blocks/${blockId}`, { headers })).text();
    const devicesShown = blockHtml.includes('friendly-scanner') && blockHtml.includes('Yealink SIP-T46U');
    const urls = {
      bare: bare.url,
      dashboard: `${portal.url}/`,
      blockPage: `${portal.url}/blocks/${blockId}`,
    };
    // BENCH_BASELINE_DIR: another tree's production build (e.g. main in a copy) served beside this one,
    // its pages measured in the same run: A B₀ A B A C₀ A C A (₀ = the baseline's page).
    const baseDir = process.env.BENCH_BASELINE_DIR;
    const base = baseDir ? await startPortal({ appDir: path.resolve(baseDir), env: sim.env }) : null;
    let baseUrls: { dashboard: string; blockPage: string; cookie: string } | null = null;
    if (base) {
      const baseCookie = await sessionCookie(base.databaseUrl, 'dana@acme.example', BENCH_SECRET);
      baseUrls = {
        dashboard: `${base.url}/`,
        blockPage: `${base.url}/blocks/${demoIds(base.databaseUrl).blockId}`,
        cookie: baseCookie,
      };
      for (const u of [baseUrls.dashboard, baseUrls.blockPage])
        await cannon(u, { cookie: baseCookie }, 2000, connections);
    }
    for (const u of Object.values(urls)) await cannon(u, headers, 2000, connections); // warm-up

    const bares: Phase[] = [await cannon(urls.bare, headers, phaseMs, connections)];
    /**
     * One phase of `url`, then a bare phase; the ratio is to the mean of the bare phases around it:
     * of requests/s (`ratio`), and of CPU time per request (`cpuRatio`: bare's ÷ the page's, so that
     * it reads as the requests/s ratio would on a machine the server had to itself).
     */
    const measure = async (url: string, cookieHeader: string) => {
      const p = await cannon(url, { cookie: cookieHeader }, phaseMs, connections);
      bares.push(await cannon(urls.bare, headers, phaseMs, connections));
      const [b1, b2] = bares.slice(-2);
      const around = (b1.rps + b2.rps) / 2;
      const cpuAround = b1.cpuMs !== null && b2.cpuMs !== null ? (b1.cpuMs + b2.cpuMs) / 2 : null;
      return {
        p,
        around,
        ratio: round(p.rps / around, 2),
        cpuAround,
        cpuRatio: cpuAround !== null && p.cpuMs ? round(cpuAround / p.cpuMs, 2) : null,
      };
    };
    const baseDash = baseUrls ? await measure(baseUrls.dashboard, baseUrls.cookie) : null;
    const dash = await measure(urls.dashboard, cookie);
    const baseBlock = baseUrls ? await measure(baseUrls.blockPage, baseUrls.cookie) : null;
    const block = await measure(urls.blockPage, cookie);
    // What one visit asks of the server, beyond the page itself (the link prefetches).
    const idleMs = envInt('BENCH_VISIT_IDLE_MS', 3000);
    const visitMs = envInt('BENCH_VISIT_PHASE_MS', 3000);
    const visitsOf = async (origin: string, c: string, pages: Record<string, string>) => {
      const out: Record<string, Awaited<ReturnType<typeof visitCost>>> = {};
      for (const [k, u] of Object.entries(pages))
        out[k] = await visitCost(origin, c, await visitRequests(u, c, idleMs), visitMs, connections);
      return out;
    };
    const visits = await visitsOf(portal.url, cookie, {
      dashboard: urls.dashboard,
      blockPage: urls.blockPage,
    });
    const baseVisits =
      base && baseUrls
        ? await visitsOf(base.url, baseUrls.cookie, {
            dashboard: baseUrls.dashboard,
            blockPage: baseUrls.blockPage,
          })
        : null;
    base?.stop();
    // What an open tab's check costs the server against the re-render it replaces: the page's RSC
    // render (router.refresh(), switch reads included) R, its version question V, R again (A B A).
    const tabMs = Math.max(2000, Math.round(phaseMs / 2));
    const openTab = async (page: string, version: string) => {
      const rsc = { cookie, rsc: '1' };
      // Next answers an RSC request without its cache-busting `_rsc` parameter with a redirect to
      // the URL that has it: asked once, then that URL is the one replayed.
      const first = await fetch(page, { headers: rsc, redirect: 'manual' });
      const render = first.headers.get('location')
        ? new URL(first.headers.get('location')!, page).href
        : page;
      const r1 = await cannon(render, rsc, tabMs, connections);
      const v = await cannon(version, { cookie }, tabMs, connections);
      const r2 = await cannon(render, rsc, tabMs, connections);
      const around = (r1.rps + r2.rps) / 2;
      return { render: [r1, r2], check: v, around, ratio: round(v.rps / around, 2) };
    };
    const tabs = {
      dashboard: await openTab(urls.dashboard, `${portal.url}/api/version/dashboard`),
      blockPage: await openTab(urls.blockPage, `${portal.url}/api/version/blocks/${blockId}`),
    };
    // envInt takes positive integers only: 0, the documented way to skip, is read here.
    const scaled = process.env.BENCH_PAGES_SCALE === '0' ? null : await atScale(measure, sim.env);
    const [dashboard, blockPage] = [dash.p, block.p];
    const [dashRatio, blockRatio] = [dash.ratio, block.ratio];
    const a2 = bares[bares.length - 2];

    const js = {
      bare: await firstLoadJs(bare.url, cookie),
      dashboard: await firstLoadJs(urls.dashboard, cookie),
      reset: await firstLoadJs(`${portal.url}/credentials/${credentialId}/reset`, cookie),
    };
    const queries =
      process.env.BENCH_QUERY_COUNT === '0'
        ? null
        : await queriesPerPage(
            { dashboard: '/', blockPage: '/blocks/:block', reset: '/credentials/:credential/reset' },
            sim.env,
          );

    const phases: Record<string, Phase> = {
      ...Object.fromEntries(bares.map((b, i) => [`a${i + 1}`, b])),
      dashboard,
      blockPage,
      ...(baseDash && baseBlock ? { baselineDashboard: baseDash.p, baselineBlockPage: baseBlock.p } : {}),
      ...(scaled ? { scaleDashboard: scaled.dashboard.p, scaleBlockPage: scaled.blockPage.p } : {}),
      ...Object.fromEntries(
        Object.entries(tabs).flatMap(([k, t]) => [
          [`${k}Rerender1`, t.render[0]],
          [`${k}Check`, t.check],
          [`${k}Rerender2`, t.render[1]],
        ]),
      ),
    };
    const failed = Object.entries(phases).filter(([, p]) => p.errors + p.non2xx > 0);
    const visitFailed = [visits, baseVisits ?? {}]
      .flatMap((v) => Object.values(v))
      .flatMap((v) => v.each)
      .filter((e) => e.errors > 0 || e.finished === 0);
    const checks = [
      { name: 'the bench session is signed in', ok: signedIn, detail: 'the dashboard shows the demo block' },
      {
        name: "the block page shows the switch's registered devices",
        ok: devicesShown,
        detail: devicesShown
          ? 'the demo phones from the simulator (friendly-scanner, Yealink SIP-T46U)'
          : 'not shown: the switch reads failed',
      },
      ...(scaled
        ? [
            {
              name: "at a provider's size, the same page is served",
              ok: scaled.same,
              detail: `the demo customer's dashboard shows the demo block among ${SIZES.accounts} other accounts`,
            },
          ]
        : []),
      {
        name: 'every request answered 200',
        ok: failed.length === 0,
        detail: failed.length
          ? failed.map(([k, p]) => `${k}: ${p.errors} errors, ${p.non2xx} non-2xx`).join('; ')
          : `${Object.values(phases).reduce((n, p) => n + p.requests, 0)} requests, 0 errors`,
      },
      {
        name: 'every replayed request of a visit finished and answered 200',
        ok: visitFailed.length === 0,
        detail: visitFailed.length
          ? visitFailed
              .map((e) => (e.finished ? `${e.path}: ${e.errors} errors` : `${e.path}: none finished`))
              .join('; ')
          : 'yes',
      },
    ];
    const visitLine = (v: Awaited<ReturnType<typeof visitCost>>) => {
      const pre = v.each.filter((e) => e.prefetch);
      return (
        `${v.requests} requests to the server, ` +
        (v.ms === null
          ? 'server time not measured (a request never finished) '
          : `${v.ms} ms of server time `) +
        `(${pre.length} prefetches, ${round(pre.reduce((n, e) => n + (e.ms ?? 0), 0))} ms)`
      );
    };
    const line = (m: Measured) =>
      `${m.p.rps} req/s (p50 ${m.p.p50} ms, p99 ${m.p.p99} ms), bare ${round(m.around)} req/s → ${m.ratio}×` +
      (m.cpuRatio !== null && m.cpuAround !== null
        ? `; server CPU ${m.p.cpuMs} ms/request, bare ${round(m.cpuAround)} → ${m.cpuRatio}×`
        : '');
    return finishResult(
      startedAt,
      'pages',
      'Customer pages against a bare Next page (issue 14, goals 1 and 4)',
      {
        params: { connections, phaseMs, bareBuild, baselineDir: baseDir ?? null },
        checks,
        summary: {
          'bare page (baseline)': `${bares.map((b) => b.rps).join(', ')} req/s (p50 ${a2.p50} ms, p99 ${a2.p99} ms)`,
          ...(baseDash && baseBlock
            ? {
                [`before (${baseDir}): dashboard`]: line(baseDash),
                [`before (${baseDir}): block page`]: line(baseBlock),
              }
            : {}),
          'goal 1: dashboard (≥ 0.6×)': line(dash),
          'goal 1: block page (≥ 0.6×)': line(block),
          ...(scaled
            ? {
                [`at ${SIZES.accounts} accounts: dashboard`]: `${line(scaled.dashboard)}; on the demo database ${dashRatio}× (seed ${scaled.seed})`,
                [`at ${SIZES.accounts} accounts: block page`]: `${line(scaled.blockPage)}; on the demo database ${blockRatio}×`,
              }
            : {}),
          'goal 4: first-load JS, bare (baseline)': `${js.bare} KiB gzip`,
          'goal 4: dashboard (≤ bare + 15 KiB)': `${js.dashboard} KiB gzip, bare + ${round(js.dashboard - js.bare)} KiB`,
          'goal 4: reset page (≤ bare + 25 KiB)': `${js.reset} KiB gzip, bare + ${round(js.reset - js.bare)} KiB`,
          ...Object.fromEntries(
            Object.entries(tabs).map(([k, t]) => [
              `an open ${k === 'blockPage' ? 'block page' : 'dashboard'}'s check against its re-render`,
              `${t.check.rps} req/s (p50 ${t.check.p50} ms) against ${round(t.around)} req/s (RSC render, ${t.render.map((r) => r.rps).join(' and ')}) → ${t.ratio}×`,
            ]),
          ),
          'one visit, dashboard': visitLine(visits.dashboard),
          'one visit, block page': visitLine(visits.blockPage),
          ...(baseVisits
            ? {
                [`before (${baseDir}): one visit, dashboard`]: visitLine(baseVisits.dashboard),
                [`before (${baseDir}): one visit, block page`]: visitLine(baseVisits.blockPage),
              }
            : {}),
          ...(queries
            ? {
                'database queries per request': Object.entries(queries)
                  .map(([k, n]) => `${k} ${n}`)
                  .join(', '),
              }
            : {}),
        },
        data: {
          phases,
          dashRatio,
          blockRatio,
          cpuRatios: { dashboard: dash.cpuRatio, blockPage: block.cpuRatio },
          baseline:
            baseDash && baseBlock
              ? {
                  dashRatio: baseDash.ratio,
                  blockRatio: baseBlock.ratio,
                  cpuRatios: { dashboard: baseDash.cpuRatio, blockPage: baseBlock.cpuRatio },
                }
              : null,
          scale: scaled
            ? {
                accounts: SIZES.accounts,
                dashRatio: scaled.dashboard.ratio,
                blockRatio: scaled.blockPage.ratio,
              }
            : null,
          firstLoadJsGzipKiB: js,
          queries,
          visits,
          baselineVisits: baseVisits,
          openTabs: Object.fromEntries(Object.entries(tabs).map(([k, t]) => [k, { ratio: t.ratio }])),
        },
      },
    );
  } finally {
    await bare.stop();
    portal.stop();
    sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runBench(run);
