// The block page of a block with thousands of trigger calls (a signed switch event may list up to the
// 1 MiB body limit; 10,000 and a few more are stored, lib/blocks/trigger-calls.ts). Serves this tree's
// production build and, with BENCH_BASELINE_DIR, another tree's (e.g. main in a copy) in the same
// run (the switch simulator answering both: bench/server.ts startSwitchSim), each on its own
// demo-seeded SQLite database to which BENCH_CALLS (10,000) calls are added on
// the demo block of ACC-1001 (each to a number of its own, as the ingest stores them past the first
// 200). Then, signed in as the demo customer: the HTML size of the block page (bytes as sent without
// compression, and gzip), and its server time over BENCH_REQUESTS (20) sequential requests per tree,
// the trees alternating, after 3 warm-up requests each; then a short autocannon run per tree
// (BENCH_CONNECTIONS, 4, for BENCH_PHASE_MS, 5000), baseline first. Needs `npx next build` in both trees.
import crypto from 'node:crypto';
import path from 'node:path';
import zlib from 'node:zlib';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import { envInt, finishResult, round, runBench, type BenchResult } from './harness/report';
import { summarize } from './lib';
import { demoIds } from './pages';
import { BENCH_SECRET, startPortal, startSwitchSim } from './server';
import { sessionCookie } from './session';

const CALLS = envInt('BENCH_CALLS', 10_000);

/** Adds CALLS calls to the demo block, as lib/blocks/event-sql.ts stores them (ISO text dates). */
function seedCalls(databaseUrl: string, blockId: string) {
  const db = new Database(databaseUrl.replace(/^file:/, ''));
  const t0 = Date.parse('2026-11-30T08:00:00Z');
  const iso = (ms: number) => new Date(ms).toISOString().replace('Z', '+00:00');
  const insert = db.prepare(
    `INSERT INTO "TriggerCall" ("id", "blockId", "at", "sipUsername", "to", "sourceIp", "durationSec") VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  db.transaction(() => {
    for (let i = 0; i < CALLS; i++)
      insert.run(
        crypto.randomUUID().replaceAll('-', ''),
        blockId,
        iso(t0 + i * 1000),
        i % 10 === 0 ? `trunk-${(i / 10) % 15}` : 'acme-reception',
        `+25261${String(1_000_000 + i).padStart(7, '0')}`,
        `185.220.101.${i % 40}`,
        i % 7,
      );
  })();
  db.close();
}

type Target = { name: string; url: string; cookie: string; stop: () => void };

/** One tree's build on its own database, its switch reads answered by `switchEnv`'s simulator. */
async function target(name: string, switchEnv: Record<string, string>, appDir?: string): Promise<Target> {
  const portal = await startPortal({ ...(appDir ? { appDir } : {}), env: switchEnv });
  const { blockId } = demoIds(portal.databaseUrl);
  seedCalls(portal.databaseUrl, blockId);
  const cookie = await sessionCookie(portal.databaseUrl, 'dana@acme.example', BENCH_SECRET);
  return { name, url: `${portal.url}/blocks/${blockId}`, cookie, stop: portal.stop };
}

async function once(t: Target) {
  const start = performance.now();
  const res = await fetch(t.url, { headers: { cookie: t.cookie, 'accept-encoding': 'identity' } });
  const body = Buffer.from(await res.arrayBuffer());
  return { ms: performance.now() - start, status: res.status, bytes: body.length, body };
}

export async function run(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  const requests = envInt('BENCH_REQUESTS', 20);
  const connections = envInt('BENCH_CONNECTIONS', 4);
  const phaseMs = envInt('BENCH_PHASE_MS', 5000);
  const baseDir = process.env.BENCH_BASELINE_DIR;
  // The switch answers the page's registered devices, as in production (bench/server.ts).
  const sim = await startSwitchSim();
  const targets: Target[] = [];
  try {
    if (baseDir) targets.push(await target('baseline', sim.env, path.resolve(baseDir)));
    targets.push(await target('this tree', sim.env));
    const checks: BenchResult['checks'] = [];
    const data: Record<string, Record<string, unknown>> = {};
    const times = new Map(targets.map((t) => [t.name, [] as number[]]));
    for (const t of targets) {
      const first = await once(t);
      const html = first.body.toString('utf8');
      checks.push({
        name: `${t.name}: the block page renders for the signed-in customer`,
        ok: first.status === 200 && html.includes('Calls that triggered the block'),
        detail: `status ${first.status}`,
      });
      data[t.name] = {
        htmlBytes: first.bytes,
        htmlGzipBytes: zlib.gzipSync(first.body).length,
        tableRows: (html.match(/<tr[ >]/g) ?? []).length,
      };
      for (let i = 0; i < 2; i++) await once(t);
    }
    // This tree's page of every call: the first page, and the one after it (keyset).
    const own = targets.at(-1)!;
    const calls = await fetch(`${own.url}/calls`, { headers: { cookie: own.cookie } });
    const callsHtml = await calls.text();
    const later = /href="([^"]*\/calls\?after=[a-z0-9]+)"/.exec(callsHtml)?.[1];
    const next = later ? await fetch(new URL(later, own.url), { headers: { cookie: own.cookie } }) : null;
    const rows = (callsHtml.match(/<tr[ >]/g) ?? []).length - 1;
    checks.push({
      name: 'this tree: /blocks/{id}/calls lists the first 100 calls, with a link to the next page if there are more',
      ok: calls.status === 200 && rows > 0 && rows <= 100 && (rows < 100 || next?.status === 200),
      detail: `status ${calls.status}, ${rows} rows, next ${next?.status ?? 'no link'}`,
    });
    data['this tree']!.callsPageHtmlBytes = Buffer.byteLength(callsHtml);
    let failed = 0;
    for (let i = 0; i < requests; i++)
      for (const t of targets) {
        const r = await once(t);
        if (r.status !== 200) failed++;
        times.get(t.name)!.push(r.ms);
      }
    checks.push({ name: 'every timed request answered 200', ok: failed === 0, detail: `${failed} failed` });
    for (const t of targets) data[t.name]!.sequentialMs = summarize(times.get(t.name)!);
    for (const t of targets) {
      const r = await autocannon({
        url: t.url,
        headers: { cookie: t.cookie },
        connections,
        duration: phaseMs / 1000,
      });
      const errors = r.errors + r.timeouts + r.non2xx;
      checks.push({
        name: `${t.name}: autocannon without errors`,
        ok: errors === 0,
        detail: `${errors} errors or non-2xx`,
      });
      data[t.name]!.autocannon = {
        rps: round(r.requests.total / (phaseMs / 1000)),
        p50: r.latency.p50,
        p99: r.latency.p99,
      };
    }
    const line = (name: string) => {
      const d = data[name] as {
        htmlBytes: number;
        htmlGzipBytes: number;
        tableRows: number;
        sequentialMs: { p50: number };
        autocannon: { rps: number; p50: number };
      };
      return `HTML ${round(d.htmlBytes / 1024)} KiB (gzip ${round(d.htmlGzipBytes / 1024)}), ${d.tableRows} table rows, sequential p50 ${d.sequentialMs.p50} ms, ${d.autocannon.rps} req/s at ${connections} connections (p50 ${d.autocannon.p50} ms)`;
    };
    return finishResult(startedAt, 'big-block', `The block page of a block with ${CALLS} trigger calls`, {
      params: { calls: CALLS, requests, connections, phaseMs, baselineDir: baseDir ?? null },
      checks,
      summary: Object.fromEntries(targets.map((t) => [t.name, line(t.name)])),
      data,
    });
  } finally {
    for (const t of targets) t.stop();
    sim.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) runBench(run);
