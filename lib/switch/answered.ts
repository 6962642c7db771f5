import 'server-only';

// "The switch answered an account read lately." A 404 for `GET /v1/accounts/{n}` says "no such
// account" only from a switch that answers account reads at all: a SWITCH_API_URL with a wrong path
// answers 404 for every account (the reference switches answer an unknown route so). Before
// 2026-12-07 only the reconciler kept this record and only it asked; the allowance watch and a
// refused allowance DELETE (lib/allowances) took any 404 as "gone from the switch", so with a wrong
// URL a removal the switch refused read "Ended". Every reader of a 404 now asks `answersAccountReads`.
// Per process, on globalThis: Next.js bundles this module into several server chunks.

/**
 * How long after this process last had an account read answered (ms) a 404 is still taken as "no
 * such account": past it, with no answered read since, every read answered 404, which is the switch's
 * answer to a wrong path, not to a missing account.
 */
export const ANSWERED_LATELY_MS = 60 * 60_000;

type Answered = { lastOkAt: number | null };
const g = globalThis as { __tollgateSwitchAnswered?: Answered };
const state = (): Answered => (g.__tollgateSwitchAnswered ??= { lastOkAt: null });

/** Notes that the switch answered an account read (200 with the account) now, on the monotonic clock. */
export function noteAccountAnswered(now = performance.now()): void {
  state().lastOkAt = now;
}

/**
 * Whether the switch answered an account read in this process within ANSWERED_LATELY_MS of `now`
 * (performance.now(), ms): whether its 404 for an account may be read as "no such account".
 */
export function answersAccountReads(now = performance.now()): boolean {
  const at = state().lastOkAt;
  return at !== null && now - at <= ANSWERED_LATELY_MS;
}

/** For tests: forgets every answered read, as a process that has had none (a wrong URL from start-up). */
export function forgetAccountAnswers(): void {
  state().lastOkAt = null;
}
