// Where a switch event's own time goes, without Next: `ingestSwitchEvent` (what the route calls)
// in a loop, BENCH_CONCURRENCY (16) at a time, on a fresh database with 200 accounts, as
// bench/switch-events.bench.ts sends them (one trigger call each, no members). Prints ms per event;
// EVENT_LOOP_PROFILE=<file> also writes a V8 CPU profile of the measured part. Not a benchmark (no
// baseline of its own): run it in two trees one after the other, under the heavy lock, e.g.
//   npx tsx --conditions=react-server bench/harness/event-handler-loop.ts
//   BENCH_EVENTS=1000 EVENT_LOOP_DB=postgresql EVENT_LOOP_PG_URL=postgresql://… npx tsx --conditions=react-server bench/harness/event-handler-loop.ts
import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import { freshDatabase } from '@/tests/helpers/db';

const N = Number(process.env.BENCH_EVENTS ?? 1000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SECRET = `loop-${'x'.repeat(40)}`;

/** A fresh, migrated database of EVENT_LOOP_DB, the one way the tests make theirs (tests/helpers/db.ts). */
async function freshUrl(): Promise<string> {
  if ((process.env.EVENT_LOOP_DB ?? 'sqlite') === 'sqlite') return freshDatabase('sqlite');
  if (!process.env.EVENT_LOOP_PG_URL)
    throw new Error('EVENT_LOOP_PG_URL: a PostgreSQL to create a database in');
  process.env.TEST_PG_URL = process.env.EVENT_LOOP_PG_URL;
  return freshDatabase('postgresql');
}

async function main() {
  const url = await freshUrl();
  Object.assign(process.env, {
    NODE_ENV: 'production',
    DATABASE_URL: url,
    APP_URL: 'http://localhost:1',
    AUTH_SECRET: 'a'.repeat(40),
    SWITCH_API_URL: 'http://127.0.0.1:9',
    SWITCH_API_TOKEN: 'b'.repeat(20),
    SWITCH_WEBHOOK_SECRET: SECRET,
  });
  const { getDb } = await import('@/lib/server/db');
  const { ingestSwitchEvent } = await import('@/lib/blocks/ingest');
  const { signEvent } = await import('@/lib/switch/signature');
  const db = getDb();
  const number = (i: number) => `ACC-B${String((i % 200) + 1).padStart(5, '0')}`;
  await db.customerAccount.createMany({
    data: Array.from({ length: 200 }, (_, i) => ({ number: number(i), name: `Loop ${i}` })),
  });
  const at = new Date(Date.now() - 5000).toISOString();
  const body = (i: number) =>
    JSON.stringify({
      id: `evt_loop_${i}`,
      type: 'block.placed',
      occurredAt: at,
      data: {
        accountNumber: number(i),
        reason: 'high_risk_destination',
        calls: [
          {
            at,
            from: `trunk-${i % 97}`,
            to: `+25261${1_000_000 + i}`,
            sourceIp: '203.0.113.9',
            durationSec: 1,
          },
        ],
      },
    });
  const run = async (from: number, n: number) => {
    let next = from;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < from + n) {
          const raw = body(next++);
          const r = await ingestSwitchEvent(raw, signEvent(SECRET, raw), SECRET);
          if (r.status !== 200) throw new Error(JSON.stringify(r));
        }
      }),
    );
    return performance.now() - t0;
  };
  await run(0, 300); // warm-up
  const profile = process.env.EVENT_LOOP_PROFILE;
  const session = new inspector.Session();
  if (profile) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const ms = await run(1_000_000, N);
  if (profile) fs.writeFileSync(profile, JSON.stringify((await session.post('Profiler.stop')).profile));
  const kind = url.startsWith('file:') ? 'sqlite' : 'postgresql';
  console.log(
    `${kind}: ${N} events in ${Math.round(ms)} ms = ${(ms / N).toFixed(2)} ms per event (${Math.round((N * 1000) / ms)} events/s)`,
  );
  await db.$disconnect();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
