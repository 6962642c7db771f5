import 'server-only';
import { db, isPostgres } from '@/lib/server/db';
import { log } from '@/lib/server/log';

// The database's clock as the one clock every instance shares. Several instances on one PostgreSQL
// compare times that another instance wrote (an outbox row's lease, a SIP password change's start)
// with their own "now": with one instance's clock minutes off, that instance took over a mail another
// instance was still sending and sent it again (issue 14, clock faults; scripts/ops-lab/clock-skew.sh).
// So those comparisons use sharedNow(): this process's clock corrected by its measured offset from
// the database server's. SQLite is one file on one machine: every process shares that machine's clock.

/** An offset beyond this (ms) is shown as `skewed` in readiness and logged: NTP keeps clocks within milliseconds. */
export const CLOCK_SKEW_TOLERANCE_MS = 5_000;

/** How often startClockCheck measures again, in ms. */
const CHECK_EVERY_MS = 30_000;

type ClockState = { offsetMs: number; measuredAt: number | null; warned: boolean; started?: Promise<void> };
// On globalThis: the health route is bundled apart from instrumentation.ts, which starts the workers.
const g = globalThis as { __tollgateClock?: ClockState };
const state = (g.__tollgateClock ??= { offsetMs: 0, measuredAt: null, warned: false });

/** Readings per measurement; the one with the shortest round trip is kept (see measureClockOffset). */
const SAMPLES = 3;

/**
 * The database server's clock, read by one query (PostgreSQL `clock_timestamp()`: the time the query
 * runs, not the transaction's start), in ms since the epoch.
 */
async function readDatabaseClock(): Promise<number> {
  const rows = await db.$queryRaw<{ ms: number }[]>`
    SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::float8 AS "ms"`;
  return Number(rows[0].ms);
}

/**
 * Measures this process's clock against the database server's and keeps the offset for sharedNow().
 * Returns the offset in ms: positive when the database's clock is ahead of this process's. 0 on
 * SQLite (no query). Throws when the database does not answer (the previous offset stays). Logs a
 * warning when the offset crosses CLOCK_SKEW_TOLERANCE_MS, and once more when it is back within it.
 *
 * Each reading is NTP's: offset = database time − (sent + received) / 2, off by at most half its
 * round trip. The first round trip of a process also opens the pool's connection (TCP, TLS,
 * authentication) before the query runs, so the database's clock is read late in it: on the same
 * host as PostgreSQL the first offset read 1.028 s, 0.002 s thirty seconds later. So SAMPLES readings
 * are taken one after another and the one with the shortest round trip is kept (NTP's clock filter):
 * the later ones run on the connection the first opened.
 * `readClock` (default: the query above on PostgreSQL, none on SQLite) and `now` (default Date.now)
 * are for tests.
 */
export async function measureClockOffset(
  readClock: (() => Promise<number>) | null = isPostgres() ? readDatabaseClock : null,
  now: () => number = Date.now,
): Promise<number> {
  let offsetMs = 0;
  if (readClock) {
    let shortest = Infinity;
    for (let i = 0; i < SAMPLES; i++) {
      const sent = now();
      const databaseMs = await readClock();
      const received = now();
      if (received - sent < shortest) {
        shortest = received - sent;
        offsetMs = Math.round(databaseMs - (sent + received) / 2);
      }
    }
  }
  state.offsetMs = offsetMs;
  state.measuredAt = Date.now();
  const skewed = Math.abs(offsetMs) > CLOCK_SKEW_TOLERANCE_MS;
  if (skewed !== state.warned) {
    state.warned = skewed;
    if (skewed)
      log().warn(
        { clockOffsetMs: offsetMs },
        "this instance's clock differs from the database server's; check NTP on both",
      );
    else
      log().info(
        { clockOffsetMs: offsetMs },
        "this instance's clock agrees with the database server's again",
      );
  }
  return offsetMs;
}

/**
 * Measures the offset now and every 30 s from then on, in this process (web instances too: TOTP steps
 * are judged where a code is typed). Idempotent; the promise settles after the first measurement,
 * failed or not (a failure leaves the last offset, at first this process's own clock).
 */
export function startClockCheck(): Promise<void> {
  state.started ??= (async () => {
    const measure = () =>
      measureClockOffset().then(
        () => undefined,
        () => undefined,
      );
    await measure();
    setInterval(measure, CHECK_EVERY_MS).unref();
  })();
  return state.started;
}

/**
 * The current time on the database server's clock, as far as this process knows it (its own clock
 * until the first measurement). For every time compared across instances: leases, in-flight windows,
 * TOTP steps.
 */
export function sharedNow(): Date {
  return new Date(Date.now() + state.offsetMs);
}

/** The last measured offset (ms, database minus this process) and when it was measured (ms epoch, null: never). */
export function clockOffset(): { offsetMs: number; measuredAt: number | null } {
  return { offsetMs: state.offsetMs, measuredAt: state.measuredAt };
}
