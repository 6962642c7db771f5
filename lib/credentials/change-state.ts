import { readSwitchError } from '@/lib/switch/error-text';

/**
 * The one rule for "the switch's answer to a SIP password change is not known": the change is
 * `unknown` (the answer never came: a timeout, a restart in the middle), or still `sending` with no
 * confirmation recorded. Then the credential's `passwordChangedAt` may no longer be the password the
 * switch has. Shapes: a `SipPasswordChange` row's `status` (`sending`, `confirmed`, `refused`,
 * `unknown`, …) and `switchConfirmedAt` (null until the switch confirmed it). Used by the reset page
 * (lib/credentials/reset.ts `unsettledChange`, which also tells a live call from one cut short) and
 * the dashboard's summary read (lib/accounts/queries.ts), so both say the same.
 */
export function awaitsSwitchAnswer(change: {
  status: string;
  switchConfirmedAt: Date | string | number | null;
}): boolean {
  return change.status === 'unknown' || (change.status === 'sending' && change.switchConfirmedAt === null);
}

/**
 * Why the switch's answer to a change is not known, read from the change's stored error (the
 * SipPasswordChange row's `error`: lib/switch/error-text.ts storedSwitchError's text, Tollgate's own
 * words for a change a restart cut short, a bare code in rows written before 2026-12-08, or null):
 * `no_answer` when nothing came back (a timeout, a connection dropped or refused, a call cancelled, a
 * restart: readSwitchError's `timeout`, `connection`, `cancelled`, or text without a code);
 * `error_answer` when the switch answered, but not with its confirmation (a 500, a 503 or 429 asking
 * to wait, an answer Tollgate could not read): it may or may not have taken the password. The
 * customer is told which (outcome.reset.switchUnknown or switchErrorUnknown, the alert's
 * mail.sipPasswordChanged.introUnconfirmed or introUnconfirmedError): "gave no answer" is not true
 * of a switch that answered 500 (tester, 2026-12-08).
 */
export function unknownCause(storedError: string | null): 'no_answer' | 'error_answer' {
  if (storedError === null) return 'no_answer';
  const { kind } = readSwitchError(storedError);
  return kind === 'timeout' || kind === 'connection' || kind === 'cancelled' || kind === 'other'
    ? 'no_answer'
    : 'error_answer';
}

/**
 * The longest wait the portal honours from one answer, in seconds: an hour, as the switch outbox does
 * (lib/switch/outbox.ts MAX_RETRY_AFTER_MS). A switch asking for a day would otherwise keep a
 * customer from rotating a compromised SIP password for a day; after an hour the switch is asked
 * again, and answers again.
 */
export const MAX_BUSY_WAIT_SECONDS = 3600;

/**
 * When the switch said it could be asked again, for a change it answered by asking Tollgate to wait:
 * a 429, or a 503, with a `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3), which the change's stored
 * error keeps as `asked_to_wait: <seconds> s; …` (lib/switch/error-text.ts storedSwitchError). That
 * many whole seconds (at most MAX_BUSY_WAIT_SECONDS) after `answeredAt`, when the answer came: the
 * row's `completedAt`, as stored. Every reader passes the stored row's time (busyUntilOf), never
 * "now", so the form's answer, the reset page's notice and devices line, the dashboard, the replayed
 * form, the alert mail and the portal's refusal of a new change (lib/credentials/reset.ts
 * accountBusyUntil) name one and the same time (a tester, 2026-12-08: the form's answer and the
 * notice named two). Rounded up to the whole second, so that a time shown to the second is never
 * before it (as lib/switch/quiet.ts switchQuietUntil). Null for any other error, and for a 429
 * without a `Retry-After`. Such a change is still not known to be applied (docs/switch-api.md: a
 * `429` is "not known to be applied"): the customer is told the switch was busy, from when to set
 * the password again, and that it may or may not have the new one (outcome.reset.switchBusyUnknown,
 * reset.unsettled.unknownBusy), not "set a new password now", which it would only answer the same.
 */
export function askedToWaitUntil(storedError: string | null, answeredAt: Date): Date | null {
  if (storedError === null) return null;
  const r = readSwitchError(storedError);
  if (r.kind !== 'askedToWait' || r.waitSeconds === undefined) return null;
  const seconds = Math.min(r.waitSeconds, MAX_BUSY_WAIT_SECONDS);
  return new Date(Math.ceil((answeredAt.getTime() + seconds * 1000) / 1000) * 1000);
}

/**
 * askedToWaitUntil of a stored SipPasswordChange row: `status` `unknown` (a change the switch
 * answered by asking to wait stays not known to be applied), its `error`, answered at its
 * `completedAt` (a Date, or the text or number a raw SQLite read returns). Null for any other row,
 * and for one without `completedAt`. The one reading of "busy until" from a row: the reset page
 * (lib/credentials/reset.ts latestChange), the dashboard (lib/accounts/queries.ts), the replayed
 * form, the alert mail (lib/mail/render.ts) and the refusal of a new change all call it.
 */
export function busyUntilOf(change: {
  status: string;
  error: string | null;
  completedAt: Date | string | number | null;
}): Date | null {
  if (change.status !== 'unknown' || change.completedAt === null) return null;
  const at = change.completedAt instanceof Date ? change.completedAt : new Date(change.completedAt);
  return askedToWaitUntil(change.error, at);
}

/**
 * `busyUntil` (busyUntilOf, or askedToWaitUntil) while it is still ahead of `now`, else undefined: the
 * one test of "the switch's wait is not over yet" for every reader that words it. Before that time
 * the customer reads that the switch was busy and from when to set a new password; from it on (the
 * second named included, as accountBusyUntil lets a new change through once `until > now` no longer
 * holds) the change is still not known to be applied, and the customer reads what a change the
 * switch answered with another error reads (the reset page's reset.unsettled.unknownError, "set a new
 * password now"; the dashboard's dashboard.unsettledError; the alert's introUnconfirmedError and
 * wasYouUnconfirmed, "set the password again"), never "from" a time already past (the dashboard kept
 * saying "Set a new one from 10:42:06" until the next change). `now`: the time of the reading: a page's request
 * (next-intl's useNow, the server's clock at render; an auto-refreshing page renders again), the
 * mail's first attempt to send.
 */
export function busyStill(busyUntil: Date | null | undefined, now: Date): Date | undefined {
  return busyUntil && busyUntil.getTime() > now.getTime() ? busyUntil : undefined;
}

/**
 * The time "Registered devices" on a credential's reset page is said to be read again from, while the
 * switch's quiet pauses the reads (lib/devices/registrations.ts NotRead `paused`, `pausedUntil` on
 * this instance's clock: lib/switch/quiet.ts) and the page's change was answered by asking to wait
 * (`busyUntil`, busyUntilOf): the change's own time when the quiet is that same answer's (it ends
 * within 2 s of it: the quiet is noted a few ms before the row's completedAt, on another clock) or
 * ends before it, so the page names one time, the one a new password can be set from; the quiet's
 * own time when a later answer stretched it past. `pausedUntil` alone without a busy change.
 */
export function pausedReadsUntil(pausedUntil: Date, busyUntil: Date | null | undefined): Date {
  if (!busyUntil) return pausedUntil;
  return busyUntil.getTime() >= pausedUntil.getTime() - 2000 ? busyUntil : pausedUntil;
}
