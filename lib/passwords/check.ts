import 'server-only';
import os from 'node:os';
import path from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { consumeAll } from '@/lib/server/rate-limit';
import { errorForLog, log } from '@/lib/server/log';
import { addressBucket } from '@/lib/server/client-address';
import type { Note } from '@/lib/i18n/note';
import { fail, type Outcome } from '@/lib/server/outcome';
import {
  type Assessment,
  estimateInput,
  judgePassword,
  MAX_LENGTH,
  type PasswordRule,
  toEstimate,
} from '@/lib/passwords/rules';
import { GENERATED_MAX } from '@/lib/passwords/generate';

// The server's password checks score with zxcvbn in a worker thread, never on the request thread:
// a 64-character run of look-alike symbols keeps zxcvbn busy for seconds, and on the request thread
// that stalled every other request of the process (issue 14, goal 7). Each check is bounded: by
// length (over MAX_LENGTH nothing is scored), by a wait for a thread and a deadline for scoring (a
// thread still scoring at it is stopped), by the checks in flight, and by a per-user and per-address
// rate limit.

/**
 * How long a thread may score one check, in ms, from the moment it begins (the thread says so on a
 * message port: waiting for a thread is bounded by WAIT_DEADLINE_MS instead). Ordinary passwords score
 * in < 0.1 s of a core and the worst case in about 0.75 s (the pruned matcher), but the thread runs at
 * nice +19: on a core that requests keep busy it gets a small share of the time, and at 2 s ordinary
 * passwords were refused as "took too long" (seen in e2e/03 with four e2e workers on two cores). 5 s
 * still stops a check that could not finish, and the per-user and per-address limits bound the total.
 */
export const CHECK_DEADLINE_MS = 5000;
/**
 * How long a check may wait for a thread to begin scoring it, in ms: behind other checks, or while a
 * thread starts (loads zxcvbn and the word lists and sorts them: about 0.2 s of a core at nice +19, so
 * seconds on a busy machine; at the server's start, after a thread was stopped, and when the pool adds
 * a thread). Counted in the 5 s, a start refused a slow machine's first check (CI185, 2026-12-06).
 * With CHECK_DEADLINE_MS it stays under the 60 s a proxy such as nginx waits for an answer by default.
 */
export const WAIT_DEADLINE_MS = 20_000;
/**
 * Checks in flight (waiting or scoring) in this process beyond this are refused at once: the wait would
 * pass anyway. Counted here, not by piscina's `maxQueue`, which does not count tasks that carry an
 * abort signal (piscina 5.3.2; every check carries one), so the documented bound was never applied.
 */
export const MAX_IN_FLIGHT = 32;

/**
 * The worker file, plain JavaScript that Node loads as is (Next does not bundle it): found from the
 * project directory, which is the working directory of `next start`, `npm start` and the tests.
 */
export const WORKER_FILE = path.join(process.cwd(), 'lib/passwords/zxcvbn-worker.mjs');

// The pool's count of checks in flight, kept on the pool (a global symbol), so that every copy of this
// module counts the same checks and a new pool starts from none.
const IN_FLIGHT = Symbol.for('tollgate.passwordChecksInFlight');
type Pool = Piscina & { [IN_FLIGHT]?: number };

// One pool per process, kept on globalThis like the database client (lib/server/db.ts): a second copy of
// this module (another bundle of the server, a test file's fresh module registry) shares its threads
// instead of starting its own, and tests/helpers/shared-process.ts can end it between test files.
const g = globalThis as { __tollgatePasswordPool?: Pool };

/**
 * The scoring threads: all cores but one, so the request thread keeps a core, at a lower scheduling
 * priority (nice +19, the lowest; where @napi-rs/nice is available) so that requests win a contended core.
 */
function scoringPool(): Pool {
  if (!g.__tollgatePasswordPool) {
    const pool: Pool = new Piscina({
      filename: WORKER_FILE,
      minThreads: 1,
      maxThreads: Math.max(1, os.availableParallelism() - 1),
      idleTimeout: 60_000,
      niceIncrement: 19,
    });
    // A thread that fails outside a task (its start): logged, not an uncaught exception. A task's own
    // failure reaches its check.
    pool.on('error', (e: unknown) =>
      log().error({ err: errorForLog(e) }, 'a password-scoring thread failed'),
    );
    g.__tollgatePasswordPool = pool;
  }
  return g.__tollgatePasswordPool;
}

/**
 * Starts a scoring thread and has it score one password, so that zxcvbn and the word lists are
 * loaded before the first customer's check; resolves when done, rejects if the thread cannot start
 * (a missing worker file). Called by the server at start-up (instrumentation.ts).
 */
export async function startScoring(): Promise<void> {
  await scoringPool().run(estimateInput('warm-up', []));
}

/**
 * Runs one scoring task under two bounds: up to `waitMs` until the thread reports (any message on the
 * port `score` hands it) that it began scoring, then up to `deadlineMs` for the scoring itself.
 * `score(started, signal)`: starts the task, giving the thread `started` and piscina `signal`; it must
 * reject with an error named `AbortError` when `signal` aborts (piscina's run does). Resolves with the
 * task's answer, or `'timeout'` when a bound passed (`signal` is then aborted: a thread stopped in a task
 * is replaced by the pool); rejects with any other error of the task. Times in ms.
 */
export async function withScoringDeadline<T>(
  score: (started: MessagePort, signal: AbortSignal) => Promise<T>,
  deadlineMs: number,
  waitMs: number,
): Promise<T | 'timeout'> {
  const stop = new AbortController();
  const { port1, port2 } = new MessageChannel();
  let timer = setTimeout(() => stop.abort(), waitMs);
  port1.once('message', () => {
    clearTimeout(timer);
    timer = setTimeout(() => stop.abort(), deadlineMs);
  });
  try {
    return await score(port2, stop.signal);
  } catch (e) {
    if (stop.signal.aborted && (e as Error).name === 'AbortError') return 'timeout';
    throw e;
  } finally {
    clearTimeout(timer);
    port1.close();
  }
}

/**
 * What one check spends of `passwordCheckUser` and `passwordCheckAddress` (lib/server/rate-limit.ts),
 * by what scoring it may cost. Those limits are there for the costly candidate (goal 7): zxcvbn's l33t
 * matcher matches the password once per way of reading its look-alike characters as letters, and
 * symbols (`( [ { <` for c, `! |` for i or l, `@`, `$`, `+`, `%`) multiply those readings: the 64
 * of the bench's worst case have 736, and took 0.28–0.44 s of a core (the pruned matcher, 2026-12-08).
 * A candidate of ASCII letters, digits and `-_.` alone has at most 6 readings (zxcvbn's
 * enumerate_l33t_subs over all ten digits), and no more than GENERATED_MAX characters: the worst of
 * 3 000 such candidates, drawn to be hard (digits only, look-alike digits among letters, 20 to 64
 * characters), took 14 ms, and every generated password (lib/passwords/generate.ts) is one. So it
 * spends 1 point where a costly candidate spends 10, and the limits are 10 times what they were in
 * points: a session still scores at most 30 costly candidates per 15 minutes (120 per address), as
 * before, while an owner rotating a 45-credential PBX with generated passwords (45 points) passes.
 * Judged by the text alone: a cheap candidate is cheap whoever typed it.
 */
export const CHECK_COST = { cheap: 1, costly: 10 } as const;

/** Letters, digits and `-_.`, at most GENERATED_MAX characters: scored in milliseconds (CHECK_COST). */
const CHEAP_TO_SCORE = new RegExp(`^[A-Za-z0-9._-]{0,${GENERATED_MAX}}$`);

/** The points a check of `password` spends of the check limits (CHECK_COST). */
export function checkCost(password: string): number {
  return CHEAP_TO_SCORE.test(password) ? CHECK_COST.cheap : CHECK_COST.costly;
}

export type CheckOutcome =
  | { ok: true; assessment: Assessment }
  | { ok: false; kind: 'too_long' | 'throttled' | 'timeout'; note: Note };

const NOTES: Record<'too_long' | 'throttled' | 'timeout', Note> = {
  too_long: { key: 'password.problem.tooLong', values: { max: MAX_LENGTH } },
  throttled: { key: 'outcome.password.checkThrottled' },
  timeout: { key: 'outcome.password.checkTimeout' },
};

/**
 * The server's verdict on a candidate `password` under `rule` (see lib/passwords/strength.ts
 * assessPassword for the rule and `opts`), scored in a worker thread.
 *
 * - `who`: the user asking and their client address (null: unknown, one shared bucket). Each check
 *   that is scored spends checkCost(password) points (1 or 10: CHECK_COST) of `passwordCheckUser`
 *   and of `passwordCheckAddress` (lib/server/rate-limit.ts) first; over either, `throttled` and
 *   nothing is scored.
 * - Over MAX_LENGTH characters: `too_long`, nothing scored and nothing spent.
 * - No thread began scoring it within WAIT_DEADLINE_MS, or it scored for longer than `deadlineMs`
 *   (default CHECK_DEADLINE_MS), or MAX_IN_FLIGHT checks are already waiting or scoring in this
 *   process: `timeout`. A thread stopped while scoring is replaced.
 * The password is neither stored nor logged; messages never contain it.
 */
export async function checkPassword(
  password: string,
  opts: { userInputs: string[]; username?: string } & PasswordRule,
  who: { userId: string; ip: string | null },
  deadlineMs = CHECK_DEADLINE_MS,
): Promise<CheckOutcome> {
  if (password.length > MAX_LENGTH) return { ok: false, kind: 'too_long', note: NOTES.too_long };
  const cost = checkCost(password);
  const { over } = await consumeAll([
    { name: 'passwordCheckUser', key: who.userId, cost },
    { name: 'passwordCheckAddress', key: addressBucket(who.ip), cost },
  ]);
  if (over) return { ok: false, kind: 'throttled', note: NOTES.throttled };
  const pool = scoringPool();
  const inFlight = pool[IN_FLIGHT] ?? 0;
  if (inFlight >= MAX_IN_FLIGHT) return { ok: false, kind: 'timeout', note: NOTES.timeout };
  pool[IN_FLIGHT] = inFlight + 1;
  try {
    const raw = await withScoringDeadline(
      (started, signal) =>
        pool.run(
          { ...estimateInput(password, opts.userInputs), started },
          { signal, transferList: [started] },
        ),
      deadlineMs,
      WAIT_DEADLINE_MS,
    );
    if (raw === 'timeout') return { ok: false, kind: 'timeout', note: NOTES.timeout };
    return { ok: true, assessment: judgePassword(password, opts, toEstimate(raw)) };
  } finally {
    pool[IN_FLIGHT] = (pool[IN_FLIGHT] ?? 1) - 1;
  }
}

/**
 * The headline of a refusal for `problems` (the field's notes, never empty): what they have in common.
 * Every one a character the password may not hold (password.sipChar.*: "é", a colon, a space at the
 * end) → outcome.password.characters with `count` (how many notes); too long alone →
 * outcome.password.tooLong; anything else (too short, too easy, the account's own words) →
 * outcome.password.weak, "Choose a stronger password", which said that of a strong password that
 * only held an "é" (tester, 2026-12).
 */
function refusalHeadline(problems: Note[]): Note {
  if (problems.every((p) => p.key.startsWith('password.sipChar.')))
    return { key: 'outcome.password.characters', values: { count: problems.length } };
  if (problems.every((p) => p.key === 'password.problem.tooLong')) return { key: 'outcome.password.tooLong' };
  return { key: 'outcome.password.weak' };
}

/**
 * A check's answer as the password forms word it (lib/auth/change-password.ts, lib/credentials/reset.ts):
 * `{ ok: true, assessment }` when the password is acceptable; otherwise `{ ok: false, refused }`, an
 * Outcome to return as is: `invalid` with each reason (too long, characters a SIP password may not
 * hold, or the estimator's problems) on the form field `field` under a headline that says what they
 * are (refusalHeadline: outcome.password.weak, .characters or .tooLong), or `throttled` with the
 * checker's note when the checker was over its limit or timed out.
 */
export function acceptedOrRefused(
  checked: CheckOutcome,
  field: string,
): { ok: true; assessment: Assessment } | { ok: false; refused: Outcome<never> } {
  const weak = (problems: Note[]) => {
    const headline = refusalHeadline(problems);
    return fail('invalid', headline.key, headline.values, { [field]: problems });
  };
  if (!checked.ok)
    return {
      ok: false,
      refused:
        checked.kind === 'too_long'
          ? weak([checked.note])
          : fail('throttled', checked.note.key, checked.note.values),
    };
  if (!checked.assessment.acceptable) return { ok: false, refused: weak(checked.assessment.problems) };
  return { ok: true, assessment: checked.assessment };
}
