// Dashboard and block page: requests/s and p50/p99 at 32 connections, against the minimal dynamic
// route of the same build (/api/health: liveness, no database) measured in the same run — the ratio is the
// figure. Also the first-load JavaScript (gzip) of the dashboard and the SIP password reset page.
import zlib from 'node:zlib';
import Database from 'better-sqlite3';
import { load, writeResult } from './lib';
import { BENCH_SECRET, startPortal } from './server';
import { sessionCookie } from './session';

async function firstLoadJs(url: string, cookie: string): Promise<number> {
  const html = await (await fetch(url, { headers: { cookie } })).text();
  const srcs = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]))];
  let total = 0;
  for (const src of srcs)
    total += zlib.gzipSync(Buffer.from(await (await fetch(new URL(src, url))).arrayBuffer())).length;
  return Math.round(total / 1024);
}

export async function run() {
  const portal = await startPortal();
  try {
    const cookie = await sessionCookie(portal.databaseUrl, 'dana@acme.example', BENCH_SECRET);
    const db = new Database(portal.databaseUrl.replace(/^file:/, ''), { readonly: true });
    const block = db
      .prepare(
        `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = 'ACC-1001'`,
      )
      .get() as { id: string };
    const cred = db.prepare(`SELECT id FROM "SipCredential" WHERE username = 'acme-reception'`).get() as {
      id: string;
    };
    db.close();
    const headers = { cookie };
    const dash = await (await fetch(portal.url, { headers })).text();
    if (!dash.includes('International calling blocked')) throw new Error('bench session is not signed in');
    const opts = { connections: 32, ms: 8000, headers };
    await load(`${portal.url}/api/health`, { ...opts, ms: 2000 }); // warm-up
    const baseline = await load(`${portal.url}/api/health`, opts);
    const dashboard = await load(`${portal.url}/`, opts);
    const blockPage = await load(`${portal.url}/blocks/${block.id}`, opts);
    const result = {
      connections: 32,
      baseline: { route: '/api/health', ...baseline },
      dashboard: { ...dashboard, rpsRatioToBaseline: +(dashboard.rps / baseline.rps).toFixed(3) },
      blockPage: { ...blockPage, rpsRatioToBaseline: +(blockPage.rps / baseline.rps).toFixed(3) },
      firstLoadJsGzipKiB: {
        dashboard: await firstLoadJs(portal.url, cookie),
        sipPasswordReset: await firstLoadJs(`${portal.url}/credentials/${cred.id}/reset`, cookie),
      },
    };
    writeResult('pages', result);
    return result;
  } finally {
    portal.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) void run();
