import 'server-only';
import { countSwitchQuietSeconds, countSwitchTooManyRequests } from '@/lib/server/metrics';

// "The switch asked this instance to be quiet until T." A 429 or a 503 with Retry-After (RFC 6585 §4,
// RFC 9110 §15.6.4 and §10.2.3) says how long the switch wants no more requests; before 2026-12-05 only
// the outbox row that got it waited, and the same tick went on to the next rows, the reconciler and the
// allowance watch each asking again (a mass fraud wave: one 429 per row, per account, every tick). The
// background workers (the switch outbox, the reconciler, the allowance watch) ask `switchQuietMs()`
// before they start a call, and start none while it is above 0. A person's own change (a SIP password
// reset) is still tried; the pages' "Registered devices" are not read meanwhile (lib/devices/
// registrations.ts liveDevices says so, and until when: `switchQuietUntil`). docs/switch-api.md,
// "Timeouts and retries on Tollgate's side". Per process, not shared: each instance hears its own answers.

/** The longest quiet one answer imposes, in ms: a switch asking for more is asked again after 5 min. */
export const MAX_QUIET_MS = 5 * 60_000;

type Quiet = { until: number };
// On globalThis: server actions (send-soon) and the workers (instrumentation.ts) are bundled apart.
const g = globalThis as { __tollgateSwitchQuiet?: Quiet };
const state = (): Quiet => (g.__tollgateSwitchQuiet ??= { until: 0 });
/** This process's monotonic clock, in ms: a step of the wall clock neither ends nor stretches a quiet. */
const monotonicNow = () => performance.now();

/**
 * Notes one failed answer of the switch: `status` its HTTP status (undefined when none came),
 * `retryAfterMs` its `Retry-After` read as a delay (lib/switch/transport-util.ts retryAfterMs). Every
 * 429 is counted (`tollgate_switch_too_many_requests_total`); a 429 or 503 with a Retry-After above 0
 * makes the instance quiet for that long, capped at MAX_QUIET_MS, and never shortens a quiet already
 * set. The seconds it adds are counted (`tollgate_switch_quiet_seconds_total`), overlaps once.
 */
export function noteSwitchAnswer(status: number | undefined, retryAfterMs: number | undefined): void {
  if (status === 429) countSwitchTooManyRequests();
  if ((status !== 429 && status !== 503) || !retryAfterMs || retryAfterMs <= 0) return;
  const now = monotonicNow();
  const s = state();
  const until = now + Math.min(retryAfterMs, MAX_QUIET_MS);
  if (until <= s.until) return;
  countSwitchQuietSeconds((until - Math.max(now, s.until)) / 1000);
  s.until = until;
}

/** How long this instance is still to leave the switch alone, in ms (0: calls may start). */
export function switchQuietMs(): number {
  return Math.max(0, Math.round(state().until - monotonicNow()));
}

/**
 * When this instance's quiet ends, on the wall clock (`now`, ms since the epoch, default Date.now()),
 * rounded up to the whole second so that a time shown to the second is never before it; null when
 * calls may start. For words to a person ("read again from 10:42:05"): the workers use switchQuietMs.
 */
export function switchQuietUntil(now = Date.now()): Date | null {
  const ms = switchQuietMs();
  return ms > 0 ? new Date(Math.ceil((now + ms) / 1000) * 1000) : null;
}

/** Ends this instance's quiet now. For tests, which share one process across cases. */
export function endSwitchQuiet(): void {
  state().until = 0;
}
