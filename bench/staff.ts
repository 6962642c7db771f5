// Staff pages at scale (issue 14, goal 2): queue, search and audit with 100 000 accounts, 1 000 000
// block events and 1 000 000 audit rows, on SQLite and on PostgreSQL. For each page: p50/p95 server
// time, the goal (p95 ≤ 50 ms) and the ratio to the minimal dynamic route of the same build
// (/api/health) measured in the same run. "Server time" is the time to the last byte of a request
// sent one at a time (BENCH_CONNECTIONS = 1) over loopback, so no request waits behind another.
// Knobs: BENCH_STAFF_SCALE (0 < s ≤ 1, sizes × s), BENCH_MS (5000 per page), BENCH_CONNECTIONS (1),
// BENCH_DATABASES (sqlite,postgresql). Never asserts a timing; it fails only when a page errs or a
// search does not find the account it looks for.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort } from '../e2e/support/kamailio-portal';
import { encodeCursor } from '../lib/staff/cursor';
import { envInt, round, runBench, type BenchResult, finishResult } from './harness/report';
import { load } from './lib';
import { BENCH_SECRET, startPortal } from './server';
import { sessionCookie } from './session';
import { SIZES, migrateAndSeed } from './staff-seed';

const GOAL_MS = 50;
const MS = envInt('BENCH_MS', 5000);
const CONNECTIONS = envInt('BENCH_CONNECTIONS', 1);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',').map((s) => s.trim());

// Rows the pages look for, inside the seeded ranges whatever the scale (staff-seed.ts names them).
const A = SIZES.accounts;
const mid = Math.floor(A / 2) + 7;
const seedTime = (sec: number) => new Date(Date.UTC(2026, 0, 1) + sec * 1000);
const halfAudit = Math.floor(SIZES.audit / 2);
// `expect` is a link the page shows only when it found its row (a hit's account page, a queued
// request's page): the bare account number is also in the URL, which Next repeats in the page's
// RSC payload, so it alone proves nothing.
const PAGES: Record<string, { path: string; expect?: string }> = {
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
  searchAccountNumber: {
    path: `/staff?q=ACC-${1_000_000 + mid}`,
    expect: `/staff/accounts/ACC-${1_000_000 + mid}"`,
  },
  // A broad search (every account matches): the first page of results in number order.
  searchBroad: { path: '/staff?q=Dental', expect: '/staff/accounts/ACC-1000001"' },
  audit: { path: '/staff/audit' },
  // Half way down the log (audit rows are at i·3 s, ids aud_i).
  auditDeep: { path: `/staff/audit?before=${encodeCursor([seedTime(halfAudit * 3), `aud_${halfAudit}`])}` },
  auditByAction: { path: '/staff/audit?action=sip_password.changed' },
  auditByAccount: { path: `/staff/audit?account=ACC-${1_000_000 + mid}` },
};

type PageFigure = { p50: number; p95: number; rps: number; errors: number; found: boolean | null };

async function measure(databaseUrl: string) {
  const t = Date.now();
  const { cached } = await migrateAndSeed(databaseUrl);
  const seedSec = round((Date.now() - t) / 1000);
  const portal = await startPortal({ databaseUrl });
  try {
    const headers = {
      cookie: await sessionCookie(portal.databaseUrl, 'sam@tollgate.example', BENCH_SECRET, true),
    };
    const probe = await fetch(`${portal.url}/staff`, { headers, redirect: 'manual' });
    if (probe.status !== 200) throw new Error(`staff session not accepted (HTTP ${probe.status})`);
    const opts = { connections: CONNECTIONS, ms: MS, headers };
    await load(`${portal.url}/api/health`, { ...opts, ms: 1000 });
    const baseline = await load(`${portal.url}/api/health`, opts);
    const pages: Record<string, PageFigure & { path: string }> = {};
    for (const [name, p] of Object.entries(PAGES)) {
      const html = await (await fetch(`${portal.url}${p.path}`, { headers })).text();
      await load(`${portal.url}${p.path}`, { ...opts, ms: 1000 }); // warm
      const r = await load(`${portal.url}${p.path}`, opts);
      pages[name] = {
        path: p.path,
        p50: r.latencyMs.p50,
        p95: r.latencyMs.p95,
        rps: r.rps,
        errors: r.errors,
        found: p.expect ? html.includes(p.expect) : null,
      };
    }
    return {
      seedSec,
      seedCached: cached,
      baseline: { path: '/api/health', p50: baseline.latencyMs.p50, p95: baseline.latencyMs.p95 },
      pages,
    };
  } finally {
    portal.stop();
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
  for (const [db, r] of Object.entries(data)) {
    summary[`${db} seed`] = `${r.seedSec} s${r.seedCached ? ' (cached SQLite file)' : ''}`;
    summary[`${db} /api/health`] = `p50 ${r.baseline.p50} ms, p95 ${r.baseline.p95} ms (baseline)`;
    for (const [name, p] of Object.entries(r.pages)) {
      summary[`${db} ${name}`] =
        `p95 ${p.p95} ms (goal ≤ ${GOAL_MS} ms${p.p95 <= GOAL_MS ? ', met' : ', NOT met'}), ` +
        `${round(p.p95 / r.baseline.p95)}× /api/health p95; p50 ${p.p50} ms`;
      checks.push({ name: `${db} ${name} answers 200`, ok: p.errors === 0, detail: `${p.errors} errors` });
      if (p.found !== null)
        checks.push({ name: `${db} ${name} finds its account`, ok: p.found, detail: p.path });
    }
  }
  return finishResult(startedAt, 'staff', 'Staff console at scale (issue 14, goal 2: p95 ≤ 50 ms)', {
    params: { sizes: SIZES, connections: CONNECTIONS, msPerPage: MS, goalMs: GOAL_MS },
    checks,
    summary,
    data,
  });
}

export async function run() {
  runBench(main);
}

if (import.meta.url === `file://${process.argv[1]}`) void run();
