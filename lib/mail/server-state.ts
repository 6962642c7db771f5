import 'server-only';
import type { MailTransport } from '@/lib/mail/transport';
import { refusesEveryMessage } from '@/lib/mail/delivery-policy';

// What this process knows of the mail server, for readiness (lib/server/health.ts): when it last took
// a message or answered a probe, and when it last could not be reached or refused every message. The
// switch's counterpart is lib/server/metrics.ts `switchCallTimes`.

/** ms epoch of the last sign of a working mail server, and of the last sign of one that takes no mail. */
export type MailServerTimes = { lastOkAt: number | null; lastUnavailableAt: number | null };

/**
 * With no send and no probe for this long, readiness probes the server (ms): mail is sent only when
 * something happens, and a server that went away while nothing was queued would otherwise read `ok`
 * until the first block notice of a fraud wave waited in the outbox for two minutes.
 */
export const SMTP_PROBE_INTERVAL_MS = 60_000;

// One record per process: Next.js bundles this module into several server chunks.
const g = globalThis as { __tollgateMailServer?: MailServerTimes; __tollgateMailProbe?: Promise<void> };
const times = (): MailServerTimes => (g.__tollgateMailServer ??= { lastOkAt: null, lastUnavailableAt: null });

/** Records a send's outcome: `ok` for a message taken, or a refusal of that message alone (the server works). */
export function recordMailSend(error: unknown | null, at = Date.now()): void {
  if (error !== null && refusesEveryMessage(error)) times().lastUnavailableAt = at;
  else times().lastOkAt = at;
}

/** A copy of what this process knows of the mail server. */
export function mailServerTimes(): MailServerTimes {
  return { ...times() };
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
