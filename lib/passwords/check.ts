import 'server-only';
import os from 'node:os';
import path from 'node:path';
import { Piscina } from 'piscina';
import { consumeAll } from '@/lib/server/rate-limit';
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

// The server's password checks score with zxcvbn in a worker thread, never on the request thread:
// a 64-character run of look-alike symbols keeps zxcvbn busy for seconds, and on the request thread
// that stalled every other request of the process (issue 14, goal 7). Each check is bounded three
// ways: by length (over MAX_LENGTH nothing is scored), by a deadline that covers waiting for a thread
// and scoring (the thread is stopped when it passes), and by a per-user and per-address rate limit.

/**
 * How long one check may wait for a thread and score, in ms. Ordinary passwords score in < 0.1 s of a
 * core and the worst case in about 0.75 s (the pruned matcher), but the thread runs at nice +19: on a
 * core that requests keep busy it gets a small share of the time, and at 2 s ordinary passwords were
 * refused as "took too long" (seen in e2e/03 with four e2e workers on two cores). 5 s still stops a
 * check that could not finish, and the per-user and per-address limits bound the total work.
 */
export const CHECK_DEADLINE_MS = 5000;
/**
 * How long a check waits, before its own deadline starts, for a scoring thread that is starting: a new
 * thread loads zxcvbn and the word lists and sorts them (about 0.2 s of a core, at nice +19, so seconds
 * on a busy machine). That is the pool's cost, paid once per thread, not the password's: counted in
 * the check's deadline, a server's first check (or the first after a thread was stopped) was refused
 * as "took too long" on a slow machine (CI185). Past this, the check is refused as a timeout.
 */
export const START_DEADLINE_MS = 60_000;
/** Checks waiting for a thread beyond this are refused at once (the deadline would pass anyway). */
const MAX_QUEUE = 32;

/**
 * The worker file, plain JavaScript that Node loads as is (Next does not bundle it): found from the
 * project directory, which is the working directory of `next start`, `npm start` and the tests.
 */
export const WORKER_FILE = path.join(process.cwd(), 'lib/passwords/zxcvbn-worker.mjs');

// One pool per process, kept on globalThis like the database client (lib/server/db.ts): a second copy of
// this module (another bundle of the server, a test file's fresh module registry) shares its threads
// instead of starting its own, and tests/helpers/shared-process.ts can end it between test files.
const g = globalThis as { __tollgatePasswordPool?: Piscina };

/**
 * The scoring threads: all cores but one, so the request thread keeps a core, at a lower scheduling
 * priority (nice +19, the lowest; where @napi-rs/nice is available) so that requests win a contended core.
 */
function scoringPool(): Piscina {
  g.__tollgatePasswordPool ??= new Piscina({
    filename: WORKER_FILE,
    minThreads: 1,
    maxThreads: Math.max(1, os.availableParallelism() - 1),
    maxQueue: MAX_QUEUE,
    idleTimeout: 60_000,
    niceIncrement: 19,
  });
  return g.__tollgatePasswordPool;
}

// Per pool: settled once a thread of it has loaded and scored a first password. Dropped when a check is
// stopped at its deadline (its thread is replaced, and the replacement starts again) or a start failed.
const started = new WeakMap<Piscina, { done: boolean; promise: Promise<void> }>();

/**
 * Starts the scoring thread if it is not running, and resolves once a thread has loaded zxcvbn and
 * scored a first password (rejects if the thread cannot start: a fault, such as a missing worker
 * file). Called by the server at start-up (instrumentation.ts) so that the first customer's check does
 * not wait for it; checkPassword waits for it before its deadline starts.
 */
export function startScoring(): Promise<void> {
  const pool = scoringPool();
  const known = started.get(pool);
  if (known) return known.promise;
  const state = {
    done: false,
    promise: pool.run(estimateInput('warm-up', [])).then(() => {
      state.done = true;
    }),
  };
  state.promise.catch(() => {
    if (started.get(pool) === state) started.delete(pool);
  });
  started.set(pool, state);
  return state.promise;
}

/** Whether a thread was ready within START_DEADLINE_MS (at once when one already is). */
async function scoringStarted(): Promise<boolean> {
  const known = started.get(scoringPool());
  if (known?.done) return true;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), START_DEADLINE_MS);
  });
  try {
    return await Promise.race([startScoring().then(() => true as const), late]);
  } finally {
    clearTimeout(timer);
  }
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
 *   that is scored spends one point of `passwordCheckUser` and of `passwordCheckAddress`
 *   (lib/server/rate-limit.ts) first; over either, `throttled` and nothing is scored.
 * - Over MAX_LENGTH characters: `too_long`, nothing scored and nothing spent.
 * - No verdict within `deadlineMs` (default CHECK_DEADLINE_MS; waiting for a busy thread included, a
 *   starting thread not: that wait is bounded by START_DEADLINE_MS), or the queue is full: `timeout`;
 *   the scoring thread is stopped and replaced.
 * The password is neither stored nor logged; messages never contain it.
 */
export async function checkPassword(
  password: string,
  opts: { userInputs: string[]; username?: string } & PasswordRule,
  who: { userId: string; ip: string | null },
  deadlineMs = CHECK_DEADLINE_MS,
): Promise<CheckOutcome> {
  if (password.length > MAX_LENGTH) return { ok: false, kind: 'too_long', note: NOTES.too_long };
  const { over } = await consumeAll([
    { name: 'passwordCheckUser', key: who.userId },
    { name: 'passwordCheckAddress', key: addressBucket(who.ip) },
  ]);
  if (over) return { ok: false, kind: 'throttled', note: NOTES.throttled };
  if (!(await scoringStarted())) return { ok: false, kind: 'timeout', note: NOTES.timeout };
  const pool = scoringPool();
  // A timer of this module's (not AbortSignal.timeout), so that a test's fake clock can pass the deadline.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), deadlineMs);
  try {
    const raw = await pool.run(estimateInput(password, opts.userInputs), { signal: deadline.signal });
    return { ok: true, assessment: judgePassword(password, opts, toEstimate(raw)) };
  } catch (e) {
    // An aborted task (the deadline) or a full queue; anything else is a real fault. A task stopped
    // while it ran takes its thread with it: the next check waits for the replacement to start.
    if ((e as Error).name === 'AbortError' || (e as Error).message === 'Task queue is at limit') {
      if (deadline.signal.aborted) started.delete(pool);
      return { ok: false, kind: 'timeout', note: NOTES.timeout };
    }
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * A check's answer as the password forms word it (lib/auth/change-password.ts, lib/credentials/reset.ts):
 * `{ ok: true, assessment }` when the password is acceptable; otherwise `{ ok: false, refused }`, an
 * Outcome to return as is: `invalid` with outcome.password.weak and each reason (too long, or the
 * estimator's problems) on the form field `field`, or `throttled` with the checker's note when the
 * checker was over its limit or timed out.
 */
export function acceptedOrRefused(
  checked: CheckOutcome,
  field: string,
): { ok: true; assessment: Assessment } | { ok: false; refused: Outcome<never> } {
  const weak = (problems: Note[]) =>
    fail('invalid', 'outcome.password.weak', undefined, { [field]: problems });
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
