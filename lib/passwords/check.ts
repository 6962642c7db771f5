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
 * - No verdict within `deadlineMs` (default CHECK_DEADLINE_MS; waiting for a thread included), or the queue is full: `timeout`; the
 *   scoring thread is stopped and replaced.
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
  try {
    const raw = await scoringPool().run(estimateInput(password, opts.userInputs), {
      signal: AbortSignal.timeout(deadlineMs),
    });
    return { ok: true, assessment: judgePassword(password, opts, toEstimate(raw)) };
  } catch (e) {
    // An aborted task (the deadline) or a full queue; anything else is a real fault.
    if ((e as Error).name === 'AbortError' || (e as Error).message === 'Task queue is at limit')
      return { ok: false, kind: 'timeout', note: NOTES.timeout };
    throw e;
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
