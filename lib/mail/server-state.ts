import 'server-only';
import type { MailTransport } from '@/lib/mail/transport';
import { refusesEveryMessage } from '@/lib/mail/delivery-policy';
import { backoffMs } from '@/lib/server/outbox';

// What this process knows of the mail server, for readiness (lib/server/health.ts): when it last took
// a message or answered a probe, and when it last could not be reached or refused every message. The
// switch's counterpart is lib/server/metrics.ts `switchCallTimes`.
//
// And whether the mail worker holds this instance's whole outbox (lib/mail/worker.ts): an answer that
// refuses every message (a relay's `421` or `451 4.7.x` "too many connections", a refused connection,
// a failed AUTH or STARTTLS, a refused MAIL_FROM) says the same of the next message. Before, only that
// row was put back, and the tick went on to open a new TLS + AUTH connection for each due row, which
// a throttling relay answers by throttling longer (review: 15 k notices of a fraud wave). Now the tick
// stops and the outbox is held, per instance, for a backoff that grows with each such answer in a
// row (RELAY_HOLD_FIRST_MS doubling, with jitter, to RELAY_HOLD_MAX_MS) and ends at the first answer
// that says the server works: one attempt per hold, not one per row.

/** ms epoch of the last sign of a working mail server, and of the last sign of one that takes no mail. */
export type MailServerTimes = { lastOkAt: number | null; lastUnavailableAt: number | null };

/**
 * With no send and no probe for this long, readiness probes the server (ms): mail is sent only when
 * something happens, and a server that went away while nothing was queued would otherwise read `ok`
 * until the first block notice of a fraud wave waited in the outbox for two minutes.
 */
export const SMTP_PROBE_INTERVAL_MS = 60_000;

/** The first hold of the mail outbox after an answer that refuses every message, in ms (then doubling). */
export const RELAY_HOLD_FIRST_MS = 2_000;
/**
 * The longest hold, in ms: a relay that refuses for hours is tried once in 2 minutes by each instance,
 * and a sign-in link (15 minutes) still goes out within 2 minutes of its coming back.
 */
export const RELAY_HOLD_MAX_MS = 120_000;

/**
 * What this process knows, and its hold: `holdStrikes` answers refusing every message in a row,
 * `holdUntil` when the hold ends on this process's monotonic clock (performance.now(), ms; a step of
 * the wall clock must not end or stretch it), 0 when none.
 */
type MailServerState = MailServerTimes & { holdStrikes: number; holdUntil: number };

// One record per process: Next.js bundles this module into several server chunks.
const g = globalThis as { __tollgateMailServer?: MailServerState; __tollgateMailProbe?: Promise<void> };
const times = (): MailServerState =>
  (g.__tollgateMailServer ??= { lastOkAt: null, lastUnavailableAt: null, holdStrikes: 0, holdUntil: 0 });

/**
 * Records a send's outcome (`error` null: the server took the message; `at`, ms epoch) and returns
 * how long, in ms, the mail outbox of this process is now held: for an answer that refuses every
 * message (delivery-policy.ts refusesEveryMessage), a backoff from RELAY_HOLD_FIRST_MS doubling with
 * each such answer in a row up to RELAY_HOLD_MAX_MS, with equal jitter (lib/server/outbox.ts
 * backoffMs); else 0, and the hold ends: a message taken, or a refusal of that message alone (`550`
 * no such mailbox, `452` mailbox full), says the server works again.
 */
export function recordMailSend(error: unknown | null, at = Date.now()): number {
  const state = times();
  if (error !== null && refusesEveryMessage(error)) {
    state.lastUnavailableAt = at;
    const holdMs = backoffMs(state.holdStrikes, RELAY_HOLD_FIRST_MS, RELAY_HOLD_MAX_MS);
    state.holdStrikes += 1;
    state.holdUntil = performance.now() + holdMs;
    return holdMs;
  }
  state.lastOkAt = at;
  state.holdStrikes = 0;
  state.holdUntil = 0;
  return 0;
}

/**
 * How long, in ms, this process's mail outbox is still held after an answer that refused every
 * message (recordMailSend); 0 when it is not. The worker claims nothing while it is held.
 */
export function mailOutboxHeldMs(now = performance.now()): number {
  return Math.max(0, times().holdUntil - now);
}

/** A copy of what this process knows of the mail server. */
export function mailServerTimes(): MailServerTimes {
  const { lastOkAt, lastUnavailableAt } = times();
  return { lastOkAt, lastUnavailableAt };
}

/**
 * Asks the mail server whether it would take mail (nodemailer's `verify`: connect, EHLO, STARTTLS and
 * AUTH when the URL asks for them; no message is sent) when this process has heard nothing of it for
 * SMTP_PROBE_INTERVAL_MS, and records the answer. One probe at a time: a caller that comes while one
 * runs gets the same promise. Never throws. Does nothing for the dev mailbox (no `verify`).
 */
export function probeMailServerIfQuiet(transport: MailTransport, now = Date.now()): Promise<void> {
  const { lastOkAt, lastUnavailableAt } = times();
  const heard = Math.max(lastOkAt ?? -Infinity, lastUnavailableAt ?? -Infinity);
  if (!transport.verify || now - heard < SMTP_PROBE_INTERVAL_MS) return Promise.resolve();
  g.__tollgateMailProbe ??= transport
    .verify()
    .then(
      () => void (times().lastOkAt = Date.now()),
      () => void (times().lastUnavailableAt = Date.now()),
    )
    .finally(() => {
      g.__tollgateMailProbe = undefined;
    });
  return g.__tollgateMailProbe;
}
