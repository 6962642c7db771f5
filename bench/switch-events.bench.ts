// Issue 3's benchmark: switch events ingested per second by POST /api/switch/events, on SQLite and on
// PostgreSQL, for BENCH_EVENTS (10 000) signed events of which 20 % are duplicates of an earlier id.
// Each database gets a fresh production server (`next start`, needs `.next`) and fresh database; the
// figure is reported against a no-op route on the same server in the same run (GET on the events
// route: Next's routing, the proxy's security headers and a 405, no handler work, no database),
// measured in BENCH_ROUNDS runs interleaved with the event rounds, because the machine is shared and noisy.
// Correctness, not speed, decides the exit code: every answer 200, exactly the duplicates flagged,
// and the events stored (and blocks created) equal to the distinct ids.
//   npx tsx bench/switch-events.bench.ts          (or `npm run bench`, which runs every bench)
//   BENCH_EVENTS=2000 BENCH_CONCURRENCY=8 BENCH_DATABASES=sqlite npx tsx bench/switch-events.bench.ts
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freeTcpPort, startPortal, type Portal } from '../e2e/support/kamailio-portal';
import { signEvent, SIGNATURE_HEADER } from '../lib/switch/signature';
import { httpAgent, request, runLoad, type Answer, type LoadResult } from './harness/http-load';
import {
  envInt,
  finishResult,
  latencySummary,
  median,
  round,
  runBench,
  type BenchResult,
} from './harness/report';

const EVENTS = envInt('BENCH_EVENTS', 10_000);
const DUPLICATE_SHARE = 0.2;
const CONCURRENCY = envInt('BENCH_CONCURRENCY', 16);
const ACCOUNTS = envInt('BENCH_ACCOUNTS', 200);
const WARMUP = envInt('BENCH_WARMUP', 200);
const ROUNDS = envInt('BENCH_ROUNDS', 5);
const DATABASES = (process.env.BENCH_DATABASES ?? 'sqlite,postgresql').split(',').map((d) => d.trim()) as (
  'sqlite' | 'postgresql'
)[];
// BENCH_BASELINE_TREE=<dir>: another tree with its own production build (e.g. main), measured in the
// same run, round by round with this one, for a before/after that saw the same machine.
const BASELINE_TREE = process.env.BENCH_BASELINE_TREE ? path.resolve(process.env.BENCH_BASELINE_TREE) : null;
const SECRET = `bench-webhook-${randomBytes(24).toString('hex')}`;
const RUN = randomBytes(4).toString('hex');

const accountNumber = (i: number) => `ACC-B${String((i % ACCOUNTS) + 1).padStart(5, '0')}`;

interface Ev {
  id: string;
  body: string;
}

// One switch time for every event of the run. The events are shuffled, so with a time per event most
// would arrive older than their account's last change, and such a placement is only believed after
// the switch's GET (lib/blocks/lifecycle.ts), which this bench has no switch for (503 each).
const OCCURRED_AT = new Date(Date.now() - 5_000).toISOString();

function placedEvent(id: string, account: string, n: number): Ev {
  const at = OCCURRED_AT;
  const body = JSON.stringify({
    id,
    type: 'block.placed',
    occurredAt: at,
    data: {
      accountNumber: account,
      reason: 'high_risk_destination',
      calls: [
        {
          at,
          from: `trunk-${n % 97}`,
          to: `+25261${String(1_000_000 + (n % 8_999_999)).slice(0, 7)}`,
          sourceIp: `203.0.113.${n % 250}`,
          durationSec: n % 30,
        },
      ],
    },
  });
  return { id, body };
}

/** 80 % distinct events and 20 % copies of one of them, shuffled: a copy may arrive while its original is in flight. */
function workload(): { events: Ev[]; distinct: number; duplicates: number } {
  const duplicates = Math.round(EVENTS * DUPLICATE_SHARE);
  const distinct = EVENTS - duplicates;
  const originals = Array.from({ length: distinct }, (_, i) =>
    placedEvent(`evt_bench_${RUN}_${String(i).padStart(6, '0')}`, accountNumber(i), i),
  );
  const events = [...originals];
  for (let i = 0; i < duplicates; i++) events.push(originals[Math.floor(Math.random() * distinct)]);
  for (let i = events.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [events[i], events[j]] = [events[j], events[i]];
  }
  return { events, distinct, duplicates };
}

async function startPostgres(): Promise<{ url: string; stop: () => void }> {
  const dir = path.join(os.tmpdir(), `tollgate-bench-pg-${process.pid}-${randomBytes(3).toString('hex')}`);
  const port = await freeTcpPort();
  const url = execFileSync('bash', ['scripts/pg-cluster.sh', 'start', dir, String(port)], {
    encoding: 'utf8',
  }).trim();
  return {
    url,
    stop: () => execFileSync('bash', ['scripts/pg-cluster.sh', 'stop', dir], { stdio: 'ignore' }),
  };
}

async function count(databaseUrl: string, sql: string): Promise<number> {
  if (databaseUrl.startsWith('file:')) {
    const db = new Database(databaseUrl.replace(/^file:/, ''), { readonly: true, fileMustExist: true });
    try {
      return Number((db.prepare(sql).get() as { c: number | bigint }).c);
    } finally {
      db.close();
    }
  }
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return Number((await client.query<{ c: string }>(sql)).rows[0].c);
  } finally {
    await client.end();
  }
}

const rate = (n: number, ms: number) => round((n * 1000) / ms, 1);

/** One server under test: this tree's build, or the baseline tree's (BENCH_BASELINE_TREE). */
interface Target {
  tree: 'this' | 'baseline';
  appDir: string;
  work: string;
  pgCluster: { url: string; stop: () => void } | null;
  portal?: Portal;
  agent?: ReturnType<typeof httpAgent>;
  post?: (e: Ev) => Promise<Answer>;
  noop?: () => Promise<Answer>;
  baseRuns: LoadResult[];
  ingestRuns: LoadResult[];
}

async function startTarget(kind: 'sqlite' | 'postgresql', t: Target) {
  process.stdout.write(`  ${kind} (${t.tree}): starting a fresh portal … `);
  const portal = await startPortal({
    dir: t.work,
    appDir: t.appDir,
    databaseUrl: t.pgCluster?.url,
    env: {
      SWITCH_API_URL: 'http://127.0.0.1:9', // never called: no lift is decided during the bench
      SWITCH_API_TOKEN: 'bench-switch-token-0123456789',
      SWITCH_WEBHOOK_SECRET: SECRET,
      SMTP_URL: `smtp://127.0.0.1:${await freeTcpPort()}`, // no members, so no mail is queued
    },
    seed: { script: 'bench/harness/seed-accounts.ts', args: [String(ACCOUNTS)] },
  });
  t.portal = portal;
  console.log(portal.url);
  const url = new URL('/api/switch/events', portal.url);
  const agent = httpAgent(CONCURRENCY);
  t.agent = agent;
  t.post = (e: Ev) =>
    request(agent, url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', [SIGNATURE_HEADER]: signEvent(SECRET, e.body) },
      body: e.body,
    });
  t.noop = () => request(agent, url, { method: 'GET' });
  // Warm-up: the route module, Prisma's connection and the JIT, outside the measurements.
  await runLoad(Array.from({ length: WARMUP }), CONCURRENCY, t.noop);
  const warm = Array.from({ length: WARMUP }, (_, i) => placedEvent(`evt_warm_${RUN}_${i}`, 'ACC-BWARM', i));
  await runLoad(warm, CONCURRENCY, t.post);
}

async function benchDatabase(kind: 'sqlite' | 'postgresql') {
  const trees: Target['tree'][] = BASELINE_TREE ? ['baseline', 'this'] : ['this'];
  const targets: Target[] = [];
  try {
    for (const tree of trees)
      targets.push({
        tree,
        appDir: tree === 'baseline' ? BASELINE_TREE! : '.',
        work: fs.mkdtempSync(path.join(os.tmpdir(), `tollgate-bench-events-${kind}-`)),
        pgCluster: kind === 'postgresql' ? await startPostgres() : null,
        baseRuns: [],
        ingestRuns: [],
      });
    for (const t of targets) await startTarget(kind, t);

    // Interleaved rounds (no-op, events, no-op, events, …, no-op): each round's events are compared
    // with the no-op runs right before and after them, so a burst of load from elsewhere on the
    // machine moves both sides of a ratio. With a baseline tree, both servers take turns round by
    // round (A's no-op and events, then B's), so the two builds see the same machine.
    const n = EVENTS;
    const { events, distinct, duplicates } = workload();
    const chunk = Math.ceil(events.length / ROUNDS);
    const baseN = Math.ceil(n / ROUNDS);
    console.log(
      `  ${kind}: ${n} signed events (${distinct} distinct, ${duplicates} duplicates) in ${ROUNDS} rounds, ` +
        `each between two runs of ${baseN} no-op requests, concurrency ${CONCURRENCY} …`,
    );
    for (let r = 0; r < ROUNDS; r++) {
      for (const t of targets) {
        t.baseRuns.push(await runLoad(Array.from({ length: baseN }), CONCURRENCY, t.noop!));
        t.ingestRuns.push(await runLoad(events.slice(r * chunk, (r + 1) * chunk), CONCURRENCY, t.post!));
        const ev = rate(t.ingestRuns[r].answers.length, t.ingestRuns[r].ms);
        const base = rate(baseN, t.baseRuns[r].ms);
        process.stdout.write(
          `    round ${r + 1} (${t.tree}): ${ev} events/s, no-op before it ${base} req/s (${round((ev / base) * 100, 1)} %)\n`,
        );
      }
    }
    for (const t of targets) {
      t.baseRuns.push(await runLoad(Array.from({ length: baseN }), CONCURRENCY, t.noop!));
      t.agent!.destroy();
    }
    const results = [];
    for (const t of targets) results.push(await summarise(kind, t, { events, distinct, duplicates, baseN }));
    return results;
  } finally {
    for (const t of targets) {
      await t.portal?.stop();
      t.pgCluster?.stop();
      fs.rmSync(t.work, { recursive: true, force: true });
    }
  }
}

const statusesOf = (answers: (Answer | Error)[]) => {
  const s: Record<string, number> = {};
  for (const a of answers) {
    const k = a instanceof Error ? `error: ${a.message}` : String(a.status);
    s[k] = (s[k] ?? 0) + 1;
  }
  return s;
};
const okAnswers = (answers: (Answer | Error)[]) => answers.filter((a): a is Answer => !(a instanceof Error));

async function summarise(
  kind: 'sqlite' | 'postgresql',
  t: Target,
  w: { events: Ev[]; distinct: number; duplicates: number; baseN: number },
) {
  const { events, distinct, duplicates, baseN } = w;
  const { ingestRuns, baseRuns } = t;
  const portal = t.portal!;
  const ingestAnswers = ingestRuns.flatMap((r) => r.answers);
  const baseAnswers = baseRuns.flatMap((r) => r.answers);
  const eventsPerSec = rate(
    events.length,
    ingestRuns.reduce((a, r) => a + r.ms, 0),
  );
  const baselinePerSec = rate(
    baseN * baseRuns.length,
    baseRuns.reduce((a, r) => a + r.ms, 0),
  );
  const roundRates = ingestRuns.map((r) => rate(r.answers.length, r.ms));
  const baseRates = baseRuns.map((r) => rate(baseN, r.ms));
  const roundRatios = roundRates.map((ev, i) => round(ev / ((baseRates[i] + baseRates[i + 1]) / 2), 4));

  let flaggedDuplicate = 0;
  let flaggedNew = 0;
  for (const a of okAnswers(ingestAnswers)) {
    if (a.status !== 200) continue;
    const b = JSON.parse(a.body) as { duplicate?: boolean };
    if (b.duplicate === true) flaggedDuplicate++;
    else if (b.duplicate === false) flaggedNew++;
  }
  const stored = await count(
    portal.databaseUrl,
    `SELECT count(*) AS c FROM "SwitchEvent" WHERE id LIKE 'evt_bench_${RUN}_%'`,
  );
  const processed = await count(
    portal.databaseUrl,
    `SELECT count(*) AS c FROM "SwitchEvent" WHERE id LIKE 'evt_bench_${RUN}_%' AND status = 'processed'`,
  );
  const blocks = await count(
    portal.databaseUrl,
    `SELECT count(*) AS c FROM "Block" WHERE "sourceEventId" LIKE 'evt_bench_${RUN}_%'`,
  );

  return {
    kind,
    tree: t.tree,
    label: t.tree === 'this' ? kind : `${kind} baseline`,
    eventsPerSec,
    baselinePerSec,
    ratio: round(eventsPerSec / baselinePerSec, 4),
    medianRoundRatio: median(roundRatios),
    roundEventsPerSec: roundRates,
    roundRatios,
    baselineRuns: baseRates,
    ingestSeconds: round(ingestRuns.reduce((a, r) => a + r.ms, 0) / 1000, 2),
    latencyMs: latencySummary(okAnswers(ingestAnswers).map((a) => a.ms)),
    baselineLatencyMs: latencySummary(okAnswers(baseAnswers).map((a) => a.ms)),
    statuses: statusesOf(ingestAnswers),
    baselineStatuses: statusesOf(baseAnswers),
    baselineRequests: baseAnswers.length,
    sent: events.length,
    distinctIds: distinct,
    duplicatesSent: duplicates,
    answeredNew: flaggedNew,
    answeredDuplicate: flaggedDuplicate,
    storedEvents: stored,
    processedEvents: processed,
    blocksCreated: blocks,
  };
}

async function main(): Promise<BenchResult> {
  const startedAt = new Date().toISOString();
  console.log(
    `switch events: ${EVENTS} events, ${DUPLICATE_SHARE * 100} % duplicates, concurrency ${CONCURRENCY}, ${ACCOUNTS} accounts, on ${DATABASES.join(' and ')}`,
  );
  const runs = [];
  for (const kind of DATABASES) {
    if (kind !== 'sqlite' && kind !== 'postgresql')
      throw new Error(`BENCH_DATABASES: unknown database ${kind}`);
    runs.push(...(await benchDatabase(kind)));
  }
  const checks = runs.flatMap((r) => [
    {
      name: `${r.label}: every event answered 200`,
      ok: r.statuses['200'] === r.sent,
      detail: JSON.stringify(r.statuses),
    },
    {
      name: `${r.label}: duplicates answered duplicate:true`,
      ok: r.answeredDuplicate === r.duplicatesSent && r.answeredNew === r.distinctIds,
      detail: `${r.answeredNew} new + ${r.answeredDuplicate} duplicate (sent ${r.distinctIds} distinct + ${r.duplicatesSent} copies)`,
    },
    {
      name: `${r.label}: stored events = distinct ids`,
      ok: r.storedEvents === r.distinctIds && r.processedEvents === r.distinctIds,
      detail: `${r.storedEvents} stored, ${r.processedEvents} processed, ${r.distinctIds} distinct ids`,
    },
    {
      name: `${r.label}: one block per distinct event`,
      ok: r.blocksCreated === r.distinctIds,
      detail: `${r.blocksCreated} blocks`,
    },
    {
      name: `${r.label}: baseline answered 405`,
      ok: r.baselineStatuses['405'] === r.baselineRequests,
      detail: JSON.stringify(r.baselineStatuses),
    },
  ]);
  const summary: Record<string, string> = {};
  for (const r of runs) {
    summary[`${r.label} events/s`] =
      `${r.eventsPerSec} = ${round(r.ratio * 100, 1)} % of the no-op route's ${r.baselinePerSec} req/s (median of the rounds' ratios ${round(r.medianRoundRatio * 100, 1)} %)`;
    summary[`${r.label} rounds`] =
      `events/s ${r.roundEventsPerSec.join(' / ')}; no-op req/s ${r.baselineRuns.join(' / ')}; ` +
      `ratios ${r.roundRatios.map((x) => `${round(x * 100, 1)} %`).join(' / ')}`;
    summary[`${r.label} latency`] =
      `p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms (no-op p50 ${r.baselineLatencyMs.p50} ms)`;
    summary[`${r.label} stored`] =
      `${r.storedEvents} events for ${r.distinctIds} distinct ids (${r.sent} sent), ${r.blocksCreated} blocks`;
  }
  // Before/after in one run: each build's median of its rounds' ratios, and their quotient.
  for (const kind of DATABASES) {
    const base = runs.find((r) => r.kind === kind && r.tree === 'baseline');
    const self = runs.find((r) => r.kind === kind && r.tree === 'this');
    if (base && self)
      summary[`${kind} this / baseline`] =
        `median round ratio ${round(base.medianRoundRatio * 100, 1)} % → ${round(self.medianRoundRatio * 100, 1)} % ` +
        `(${round(self.medianRoundRatio / base.medianRoundRatio, 2)}×), events/s ${base.eventsPerSec} → ${self.eventsPerSec}`;
  }
  return finishResult(startedAt, 'switch-events', 'Switch events ingested per second (issue 3)', {
    params: {
      events: EVENTS,
      duplicateShare: DUPLICATE_SHARE,
      concurrency: CONCURRENCY,
      accounts: ACCOUNTS,
      warmup: WARMUP,
      rounds: ROUNDS,
      databases: DATABASES,
      baselineTree: BASELINE_TREE,
      baseline: 'GET /api/switch/events (405), interleaved with the event rounds',
    },
    checks,
    summary,
    data: { runs },
  });
}

runBench(main);
