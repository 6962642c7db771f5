// Staff pages at scale: queue, search and audit with 100 000 accounts, 1 000 000 block events and
// 1 000 000 audit rows, on SQLite and on PostgreSQL. p50/p95 latency per page, and the ratio to the
// minimal dynamic route of the same build (/api/health) measured in the same run.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freeTcpPort } from '../e2e/support/kamailio-portal';
import { load, writeResult } from './lib';
import { BENCH_SECRET, startPortal } from './server';
import { sessionCookie } from './session';
import { SIZES, seedBulk } from './staff-seed';

const PAGES: Record<string, string> = {
  queue: '/staff',
  searchCompany: '/staff?q=Company%2077777%20',
  searchEmail: '/staff?q=member42424%40bench',
  searchUsername: '/staff?q=sip-31337',
  searchAccountNumber: '/staff?q=ACC-1050000',
  audit: '/staff/audit',
  auditByAction: '/staff/audit?action=sip_password.changed',
  auditByAccount: '/staff/audit?account=ACC-1050000',
};

async function measure(databaseUrl: string) {
  const t = Date.now();
  await import('../lib/server/db/migrate').then((m) => m.migrate(databaseUrl));
  await seedBulk(databaseUrl);
  const seedSec = (Date.now() - t) / 1000;
  const portal = await startPortal({ databaseUrl });
  try {
    const headers = {
      cookie: await sessionCookie(portal.databaseUrl, 'sam@tollgate.example', BENCH_SECRET, true),
    };
    const probe = await fetch(`${portal.url}/staff`, { headers, redirect: 'manual' });
    if (probe.status !== 200) throw new Error(`staff session not accepted (HTTP ${probe.status})`);
    const opts = { connections: 4, ms: 5000, headers };
    await load(`${portal.url}/api/health`, { ...opts, ms: 1000 });
    const baseline = await load(`${portal.url}/api/health`, opts);
    const pages: Record<string, unknown> = {};
    for (const [name, p] of Object.entries(PAGES)) {
      await load(`${portal.url}${p}`, { ...opts, ms: 1000 }); // warm
      const r = await load(`${portal.url}${p}`, opts);
      pages[name] = {
        path: p,
        p50: r.latencyMs.p50,
        p95: r.latencyMs.p95,
        errors: r.errors,
        p50RatioToBaseline: +(r.latencyMs.p50 / baseline.latencyMs.p50).toFixed(1),
      };
    }
    return {
      seedSec,
      baseline: { path: '/api/health', p50: baseline.latencyMs.p50, p95: baseline.latencyMs.p95 },
      pages,
    };
  } finally {
    portal.stop();
  }
}

export async function run() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-staff-'));
  const result: Record<string, unknown> = { sizes: SIZES, connections: 4 };
  try {
    result.sqlite = await measure(`file:${path.join(dir, 'staff.db')}`);
    // Its own temporary directory: the cluster runs as the postgres user, who cannot enter `dir`.
    const pgDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-bench-pg-'));
    const url = execFileSync('scripts/pg-cluster.sh', ['start', pgDir, String(await freeTcpPort())], {
      encoding: 'utf8',
    }).trim();
    try {
      result.postgresql = await measure(url);
    } finally {
      execFileSync('scripts/pg-cluster.sh', ['stop', pgDir]);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  writeResult('staff', result);
  return result;
}

if (import.meta.url === `file://${process.argv[1]}`) void run();
