// Staff pages at scale (issue 14, goal 2): queue, search and audit with 100 000 accounts, 1 000 000
// block events and 1 000 000 audit rows, on SQLite and on PostgreSQL. For each page: p50/p95 server
// time, the goal (p95 ≤ 50 ms) and the ratio to the minimal dynamic route of the same build
// (/api/health) measured in the same run. "Server time" is the time to the last byte of a request
// sent one at a time (BENCH_CONNECTIONS = 1) over loopback, so no request waits behind another.
// Knobs: BENCH_STAFF_SCALE (0 < s ≤ 1, sizes × s), BENCH_MS (5000 per page), BENCH_CONNECTIONS (1),
// BENCH_DATABASES (sqlite,postgresql), BENCH_SETTLE_MS (150000: the longest wait for PostgreSQL's
// autovacuum, see `settle`), BENCH_SQLITE_ANALYZE (unset: the SQLite copy has no statistics, as a
// Tollgate database never has; 1: ANALYZE it first, to compare). Never asserts a timing; it fails only when a page errs or a search does
// not find the account it looks for.
//
// Order, and why: the queue is measured first right after the seed and the server's start
// (`queueAfterSeed`: a support desk's first views after an import; a new server, and on PostgreSQL
// the autovacuum of a million new rows may be running), then the bench waits for PostgreSQL's
// autovacuum to finish with the seeded tables, and only then measures every page, the queue again
// among them, each after 1 s of warm-up. Both queue figures are reported; for each page the result
// names the tables autovacuum was working on while it was measured.
import { execFileSync } from 'node:child_process';
import Database from 'better-sqlite3';
import pg from 'pg';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort } from '../e2e/support/kamailio-portal';
import { encodeCursor } from '../lib/staff/cursor';
import { envInt, round, runBench, type BenchResult, finishResult } from './harness/report';
import { load } from './lib';
import { BENCH_SECRET, startPortal } from './server';
import { sessionCookie } from './session';
import { SIZES, memberName, migrateAndSeed } from './staff-seed';

const GOAL_MS = 50;
const MS = envInt('BENCH_MS', 5000);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 1);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',').map((s) => s.trim());
const SETTLE_MS = envInt('BENCH_SETTLE_MS', 150_000);
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR ? path.resolve(process.env.BENCH_BASELINE_DIR) : null;

// Rows the pages look for, inside the seeded ranges whatever the scale (staff-seed.ts names them).
const A = SIZES.accounts;
const mid = Math.floor(A / 2) + 7;
// As an agent types a name heard on the phone: lower case, no accents.
const plain = (name: string) => name.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
const seedTime = (sec: number) => new Date(Date.UTC(2026, 0, 1) + sec * 1000);
const halfAudit = Math.floor(SIZES.audit / 2);
// `expect` is a link the page shows only when it found its row (a hit's account page, a queued
// request's page): the bare account number is also in the URL, which Next repeats in the page's
// RSC payload, so it alone proves nothing.
const PAGES: Record<string, { path: string; expect?: string; liftPolicy?: true }> = {
  queue: { path: '/staff' },
  // A later queue page: keyset cursor after the 1000th-oldest pending request (createdAt = i·60 s).
  queueLater: {
    path: `/staff?queueAfter=${encodeCursor([seedTime(Math.floor(SIZES.pending / 2) * 60), `req_${Math.floor(SIZES.pending / 2)}`])}`,
  },
  // The queue of one account (a search hit's "1 pending request" link): req_i is on account i.
  queueAccount: {
    path: `/staff?account=ACC-${1_000_000 + Math.floor(SIZES.pending / 2)}`,
    expect: `/staff/requests/req_${Math.floor(SIZES.pending / 2)}"`,
  },
  searchCompany: { path: `/staff?q=Company%20${mid}%20`, expect: `/staff/accounts/ACC-${1_000_000 + mid}"` },
  searchEmail: { path: `/staff?q=member${mid}%40bench`, expect: `/staff/accounts/ACC-${1_000_000 + mid}"` },
  searchUsername: { path: `/staff?q=sip-${mid}`, expect: `/staff/accounts/ACC-${1_000_000 + mid}"` },
  // The same username as a customer spells it, a space for its dash: found by the second reading,
  // after the words as typed found nothing (lib/staff/search.ts).
  searchUsernameSaid: { path: `/staff?q=sip%20${mid}`, expect: `/staff/accounts/ACC-${1_000_000 + mid}"` },
  searchAccountNumber: {
    path: `/staff?q=ACC-${1_000_000 + mid}`,
    expect: `/staff/accounts/ACC-${1_000_000 + mid}"`,
  },
  // A member's name as an agent types it from a call, without accents: account mid's member and
  // account mid - 50 000's share it (staff-seed.ts memberName), a narrow search by the name column.
  searchName: {
    path: `/staff?q=${encodeURIComponent(plain(memberName(mid)))}`,
    expect: `/staff/accounts/ACC-${1_000_000 + mid}"`,
  },
  // The same name surnames first: found by the last reading, each word in any order (wordsReading),
  // after the phrase and the SIP-username readings found nothing.
  searchNameReordered: {
    path: `/staff?q=${encodeURIComponent(plain(memberName(mid).split(' ').reverse().join(' ')))}`,
    expect: `/staff/accounts/ACC-${1_000_000 + mid}"`,
  },
  // One surname, shared by about 4 000 members: a broad search whose first page is accounts 1–25
  // (their second surname).
  searchSurname: { path: '/staff?q=S%C3%A1nchez', expect: '/staff/accounts/ACC-1000001"' },
  // Common words spread otherwise (staff-seed.ts memberName), each a broad search by members' names
  // or addresses: a given name every 20th member has (a page is accounts 20–520), a surname whose
  // first 20 members are accounts 980–999 (a page walks about 2 000 accounts), and a word in every
  // member's address (accounts 1–25).
  searchGivenName: { path: '/staff?q=Mar%C3%ADa', expect: '/staff/accounts/ACC-1000020"' },
  searchSurnameSpread: { path: '/staff?q=Le%C3%B3n', expect: '/staff/accounts/ACC-1000980"' },
  searchAddressWord: { path: '/staff?q=example', expect: '/staff/accounts/ACC-1000001"' },
  // A broad search (every account matches): the first page of results in number order.
  searchBroad: { path: '/staff?q=Dental', expect: '/staff/accounts/ACC-1000001"' },
  // A phone number as a customer says it: the callback number of every pending request (req_i on
  // account i), and one nobody has (both read every account's number on file and every callback).
  searchPhone: {
    path: `/staff?q=${encodeURIComponent('+1 212 555 0100')}`,
    expect: '/staff/accounts/ACC-1000001"',
  },
  searchPhoneNone: { path: `/staff?q=${encodeURIComponent('+34 912 34 56 78')}` },
  audit: { path: '/staff/audit' },
  // Half way down the log (audit rows are at i·3 s, ids aud_i).
  auditDeep: { path: `/staff/audit?before=${encodeCursor([seedTime(halfAudit * 3), `aud_${halfAudit}`])}` },
  auditByAction: { path: '/staff/audit?action=sip_password.changed' },
  auditByAccount: { path: `/staff/audit?account=ACC-${1_000_000 + mid}` },
  // A login's rows and the sign-ins tried with its address: two index ranges merged (lib/staff/audit-query.ts).
  auditByActor: { path: `/staff/audit?actor=member${mid}%40bench.example` },
  // The blocks in force (lib/staff/blocks-in-force.ts): blk_i placed at i·60 s, the first 5·pending in
  // force, the first `pending` with a request and three calls through sip-i (its account's credential).
  // First page; a page half way down (keyset); those with no request (a walk past the `pending` with
  // one); no password changed yet, newest first (each block's named credential read).
  blocksInForce: { path: '/staff/blocks', expect: '/staff/accounts/ACC-1000001#block-blk_1"' },
  blocksInForceLater: {
    path: `/staff/blocks?after=${encodeCursor([seedTime(Math.floor((SIZES.pending * 5) / 2) * 60), `blk_${Math.floor((SIZES.pending * 5) / 2)}`])}`,
  },
  blocksInForceNoRequest: {
    path: '/staff/blocks?request=none',
    expect: `/staff/accounts/ACC-${1_000_000 + SIZES.pending + 1}#block-blk_${SIZES.pending + 1}"`,
  },
  blocksInForceNoPassword: { path: '/staff/blocks?passwords=none&order=newest' },
  // Last, as it changes every later page: the queue once an admin has set the lift policy
  // (/staff/policy: fraud blocks wait for a person after the rotation), when the staff home also lists
  // the rotated blocks waiting for one (lib/policy/rotated-waiting.ts), a walk of every block in force.
  queueLiftPolicy: { path: '/staff', liftPolicy: true },
};

/**
 * Writes the lift policy an admin's change on /staff/policy leaves (lib/policy/settings.ts, key
 * `lift.needsPerson`): high-risk-destination blocks wait for a person after the rotation.
 */
async function setLiftPolicy(databaseUrl: string) {
  const row = ['lift.needsPerson', JSON.stringify(['high_risk_destination']), 1, 'user_1'];
  if (databaseUrl.startsWith('file:')) {
    const d = new Database(databaseUrl.replace(/^file:/, ''));
    d.prepare(
      `INSERT INTO "PolicySetting" (key, value, version, "updatedAt", "updatedById") VALUES (?, ?, ?, ?, ?)`,
    ).run(...row.slice(0, 3), new Date().toISOString(), row[3]);
    d.close();
    return;
  }
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO "PolicySetting" (key, value, version, "updatedAt", "updatedById") VALUES ($1, $2, $3, now(), $4)`,
      row,
    );
  } finally {
    await c.end();
  }
}

type PageFigure = {
  p50: number;
  p95: number;
  rps: number;
  errors: number;
  found: boolean | null;
  /** Tables PostgreSQL's autovacuum was vacuuming or analysing while the page was measured. */
  vacuuming: string[];
};

/**
 * PostgreSQL's autovacuum as the bench sees it: a poll every 250 ms of the vacuums and analyses in
 * progress (`pg_stat_progress_vacuum` / `_analyze`), so a page's figure can say whether one ran
 * beside it. For SQLite, a watcher that sees nothing.
 */
async function watchVacuum(databaseUrl: string) {
  const seen: { at: number; rel: string }[] = [];
  if (databaseUrl.startsWith('file:'))
    return { between: () => [] as string[], settle: async () => 0, stop: async () => {} };
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  const poll = async () => {
    const r = await c.query<{ rel: string }>(
      `SELECT relid::regclass::text AS rel FROM pg_stat_progress_vacuum
       UNION ALL SELECT relid::regclass::text FROM pg_stat_progress_analyze`,
    );
    for (const row of r.rows) seen.push({ at: performance.now(), rel: row.rel });
    return r.rows.length;
  };
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await poll();
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  return {
    /** Tables seen being vacuumed or analysed between two `performance.now()` readings. */
    between: (t0: number, t1: number) => [
      ...new Set(seen.filter((s) => s.at >= t0 && s.at <= t1).map((s) => s.rel)),
    ],
    /**
     * Waits (at most SETTLE_MS) until autovacuum has nothing left to do with the seeded tables: none is
     * being vacuumed, and none has more rows inserted since its last vacuum than autovacuum's insert
     * threshold (1 000 + 20 % of its rows, the defaults). Resolves to the seconds waited.
     */
    settle: async () => {
      const t = performance.now();
      while (performance.now() - t < SETTLE_MS) {
        const due = await c.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_user_tables WHERE n_ins_since_vacuum > 1000 + 0.2 * n_live_tup`,
        );
        if (Number(due.rows[0].n) === 0 && (await poll()) === 0) break;
        await new Promise((r) => setTimeout(r, 1000));
      }
      return round((performance.now() - t) / 1000);
    },
    stop: async () => {
      stopped = true;
      await loop;
      await c.end();
    },
  };
}

/** The p95/p50 figures of one server: its queue right after the seed, its /api/health, its pages. */
type ServerFigures = {
  baseline: { path: string; p50: number; p95: number };
  afterSeed: PageFigure & { path: string };
  pages: Record<string, PageFigure & { path: string }>;
};

async function measure(databaseUrl: string) {
  const t = Date.now();
  const { cached } = await migrateAndSeed(databaseUrl);
  const seedSec = round((Date.now() - t) / 1000);
  // This tree's build, and with BENCH_BASELINE_DIR another tree's build (main's, say) on the same
  // database, measured page by page beside it: both see the same data, cache and autovacuum.
  const servers: { name: 'this' | 'baseline'; url: string }[] = [];
  const stops: (() => void)[] = [];
  const vacuum = await watchVacuum(databaseUrl);
  try {
    const portal = await startPortal({ databaseUrl });
    stops.push(portal.stop);
    servers.push({ name: 'this', url: portal.url });
    if (BASELINE_DIR) {
      const base = await startPortal({ databaseUrl: portal.databaseUrl, appDir: BASELINE_DIR, seed: false });
      stops.push(base.stop);
      servers.unshift({ name: 'baseline', url: base.url });
    }
    const headers = {
      cookie: await sessionCookie(portal.databaseUrl, 'sam@tollgate.example', BENCH_SECRET, true),
    };
    for (const s of servers) {
      const probe = await fetch(`${s.url}/staff`, { headers, redirect: 'manual' });
      if (probe.status !== 200)
        throw new Error(`staff session not accepted by ${s.name} (HTTP ${probe.status})`);
    }
    const opts = { connections: CONNECTIONS, ms: MS, headers };
    const figure = async (url: string, p: { path: string; expect?: string }, warm: boolean) => {
      const html = await (await fetch(`${url}${p.path}`, { headers })).text();
      if (warm) await load(`${url}${p.path}`, { ...opts, ms: 1000 });
      const t0 = performance.now();
      const r = await load(`${url}${p.path}`, opts);
      const f: PageFigure & { path: string } = {
        path: p.path,
        p50: r.latencyMs.p50,
        p95: r.latencyMs.p95,
        rps: r.rps,
        errors: r.errors,
        found: p.expect ? html.includes(p.expect) : null,
        vacuuming: vacuum.between(t0, performance.now()),
      };
      return f;
    };
    const out = Object.fromEntries(servers.map((s) => [s.name, { pages: {} } as ServerFigures]));
    // The first views after the seed, on a server that has served one page: no warm-up at all.
    for (const s of servers) out[s.name].afterSeed = await figure(s.url, PAGES.queue, false);
    const settleSec = await vacuum.settle();
    for (const s of servers) {
      await load(`${s.url}/api/health`, { ...opts, ms: 1000 });
      const b = await load(`${s.url}/api/health`, opts);
      out[s.name].baseline = { path: '/api/health', p50: b.latencyMs.p50, p95: b.latencyMs.p95 };
    }
    // Page by page, the two servers one after the other, which goes first alternating.
    let i = 0;
    for (const [name, p] of Object.entries(PAGES)) {
      if (p.liftPolicy) await setLiftPolicy(portal.databaseUrl);
      for (const s of i++ % 2 ? [...servers].reverse() : servers)
        out[s.name].pages[name] = await figure(s.url, p, true);
    }
    return {
      seedSec,
      seedCached: cached,
      settleSec,
      ...out.this,
      ...(out.baseline ? { baselineBuild: out.baseline } : {}),
    };
  } finally {
    await vacuum.stop();
    for (const stop of stops) stop();
  }
}

async function main(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-staff-'));
  const data: Record<string, Awaited<ReturnType<typeof measure>>> = {};
  try {
    if (DATABASES.includes('sqlite')) data.sqlite = await measure(`file:${path.join(dir, 'staff.db')}`);
    if (DATABASES.includes('postgresql')) {
      // Its own temporary directory: the cluster runs as the postgres user, who cannot enter `dir`.
      const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-pg-'));
      const url = execFileSync('scripts/pg-cluster.sh', ['start', pgDir, String(await freeTcpPort())], {
        encoding: 'utf8',
      }).trim();
      try {
        data.postgresql = await measure(url);
      } finally {
        execFileSync('scripts/pg-cluster.sh', ['stop', pgDir]);
      }
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const summary: Record<string, string> = {};
  const checks: BenchResult['checks'] = [];
  const describe = (prefix: string, r: ServerFigures, check: boolean) => {
    summary[`${prefix} /api/health`] = `p50 ${r.baseline.p50} ms, p95 ${r.baseline.p95} ms (baseline)`;
    const line = (p: PageFigure) =>
      `p95 ${p.p95} ms (goal ≤ ${GOAL_MS} ms${p.p95 <= GOAL_MS ? ', met' : ', NOT met'}), ` +
      `${round(p.p95 / r.baseline.p95)}× /api/health p95; p50 ${p.p50} ms` +
      (p.errors ? `; ${p.errors} errors` : '') +
      (p.vacuuming.length ? ` (autovacuum at work on ${p.vacuuming.join(', ')})` : '');
    summary[`${prefix} queueAfterSeed`] = `${line(r.afterSeed)}; right after the seed and the server's start`;
    const pages: [string, PageFigure & { path: string }][] = [
      ['queueAfterSeed', r.afterSeed],
      ...Object.entries(r.pages),
    ];
    for (const [name, p] of pages) {
      if (name !== 'queueAfterSeed') summary[`${prefix} ${name}`] = line(p);
      if (!check) continue;
      checks.push({
        name: `${prefix} ${name} answers 200`,
        ok: p.errors === 0,
        detail: `${p.errors} errors`,
      });
      if (p.found !== null)
        checks.push({ name: `${prefix} ${name} finds its account`, ok: p.found, detail: p.path });
    }
  };
  for (const [db, r] of Object.entries(data)) {
    summary[`${db} seed`] = `${r.seedSec} s${r.seedCached ? ' (cached SQLite file)' : ''}`;
    summary[`${db} settle`] = `${r.settleSec} s waiting for autovacuum before the pages after queueAfterSeed`;
    // The baseline build's figures are reported, not checked: an older build may lack what is looked for.
    if (r.baselineBuild) describe(`${db} baseline build`, r.baselineBuild, false);
    describe(db, r, true);
  }
  return finishResult(startedAt, 'staff', 'Staff console at scale (issue 14, goal 2: p95 ≤ 50 ms)', {
    params: {
      sizes: SIZES,
      connections: CONNECTIONS,
      msPerPage: MS,
      goalMs: GOAL_MS,
      settleMaxMs: SETTLE_MS,
      baselineDir: BASELINE_DIR,
      sqliteStatistics: process.env.BENCH_SQLITE_ANALYZE === '1',
    },
    checks,
    summary,
    data,
  });
}

export async function run() {
  runBench(main);
}

if (import.meta.url === `file://${process.argv[1]}`) void run();
