import 'server-only';
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { JSONParser } from '@streamparser/json';
import {
  applySwitchEvent,
  EventIdReused,
  markUncertain,
  type EventApplied,
  type InboxRow,
} from '@/lib/blocks/lifecycle';
import { audit } from '@/lib/audit/log';
import { CLEARED_EVENT_BODY } from '@/lib/server/retention';
import { db } from '@/lib/server/db';
import { sharedNow } from '@/lib/server/clock';
import { log } from '@/lib/server/log';
import { switchClient } from '@/lib/switch/client';
import { switchEventSchema, type SwitchEvent } from '@/lib/switch/events-schema';
import { accountNumberSchema, type SwitchAccount } from '@/lib/switch/schemas';
import { DEFAULT_TOLERANCE_SEC, startSignatureCheck, verifySignature } from '@/lib/switch/signature';
import type { LimitedBody } from '@/lib/server/read-body';
import { cutWhole, parseReceivedJson } from '@/lib/server/control-characters';
import { isDatabaseUnavailable, isUniqueViolation } from '@/lib/server/db/errors';

/**
 * The route's answer: HTTP status and JSON body (CONTRACTS §4), and for a `503` the seconds after which
 * the switch may send the event again (`Retry-After`, RFC 9110 §10.2.3), when Tollgate can say.
 */
export type IngestAnswer = {
  status: 200 | 400 | 401 | 404 | 409 | 413 | 415 | 503;
  body: Record<string, unknown>;
  retryAfterSec?: number;
};

/** `Retry-After` of the 503 for a database outage, s: what the portal's pages answer (lib/server/db/unavailable.ts). */
export const DATABASE_RETRY_AFTER_SEC = 30;

/**
 * The largest event body Tollgate applies, in bytes (1 MiB; docs/switch-api.md part 2): about 8,900
 * calls as switches write them (118 bytes each). A larger body is refused with 413 by
 * refuseOversizedEvent, which still reads it for its signature and the account it names.
 */
export const EVENT_BODY_LIMIT = 1024 * 1024;
/**
 * The most of a body past EVENT_BODY_LIMIT that is read at all, in bytes (8 MiB); past it, 413 at
 * once. Below the 10 MiB of a body that Next buffers for the proxy (its default
 * `experimental.proxyClientMaxBodySize`), past which the route would read a body cut short.
 */
export const EVENT_BODY_READ_CAP = 8 * 1024 * 1024;
/** How much of a refused body past EVENT_BODY_LIMIT is kept with its inbox row, in bytes. */
const OVERSIZED_KEPT = 64 * 1024;
/** Reads of the switch's state for one late placement: a read another change overtook is made again. */
const STATE_READS = 3;

/**
 * What a 401 tells the switch's engineer, per reason (docs/switch-api.md part 2, "Signing"): it said
 * only "signature malformed", and a switch writing upper-case hex or milliseconds had to guess.
 */
const SIGNATURE_REFUSALS = {
  missing: 'signature missing: send Tollgate-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>',
  malformed:
    'signature malformed: expected t=<unix seconds, no leading zeros>,v1=<64 lowercase hex digits>[,v1=…]',
  stale:
    'signature stale: t is more than 300 s away from Tollgate’s clock; sign every attempt anew and keep NTP running',
  mismatch: 'signature mismatch: sign "<t>.<the exact bytes sent>" with SWITCH_WEBHOOK_SECRET (HMAC-SHA256)',
} as const;

const answer = (status: IngestAnswer['status'], body: Record<string, unknown>): IngestAnswer => ({
  status,
  body,
});

/**
 * CONTRACTS §4. `body` is the request body as received (bytes; a string is taken as its UTF-8).
 * Signature first, over those bytes (constant time, 300 s window); then the bytes must be UTF-8
 * (else 400 `not_utf8`, kept like any refused event), the schema, and the event's times
 * (none later than the signature time + 300 s, else 400 `occurred_in_future`), before any database
 * work; then one transaction stores the raw body verbatim in the inbox and, in the same transaction,
 * acts on it exactly once (lib/blocks/lifecycle.ts `applySwitchEvent`: the account's lock orders
 * copies, an inbox row already `processed` makes a copy a duplicate), so 50 concurrent copies of one
 * event create one block. What the event does to blocks is decided by lib/blocks/lifecycle.ts, in the switch's order
 * (see there). A placement older than the account's last change, and a lift dated before an open
 * block by no more than the clock-skew window (lifecycle.ts SKEW_WINDOW_MS), are checked against the
 * switch's GET; if the switch cannot be read, the answer is 503 and the inbox row stays `received`,
 * so the switch's retry (or the reconciler) brings it back. An id already received with a different
 * body (sameEventBody: the JSON compared, not the bytes) is answered 409 `event_id_reused`, nothing
 * applied and the first body kept (refuseReusedId), whether that body is done, waiting for the
 * switch's state or for its account, or being stored by a concurrent delivery (the first to store
 * wins, on SQLite and PostgreSQL); a true copy is 200 `duplicate: true`. When the database cannot be used
 * (isDatabaseUnavailable: not reached, timed out, locked past its limits), the answer is 503
 * `database_unavailable` with `retryAfterSec` DATABASE_RETRY_AFTER_SEC; any other error is thrown.
 */
export async function ingestSwitchEvent(
  body: string | Uint8Array,
  signature: string | null,
  secret: string,
  nowSec = Math.floor(Date.now() / 1000),
): Promise<IngestAnswer> {
  try {
    return await ingest(body, signature, secret, nowSec);
  } catch (e) {
    if (!isDatabaseUnavailable(e)) throw e;
    // An outage (lib/server/db/errors.ts), not a fault of the event: its transaction was rolled back, or
    // its commit's outcome is unknown, and the switch sends it again on a 5xx (docs/switch-api.md part
    // 2), when a copy that did commit is answered as a duplicate. Only signed events get here: the
    // signature is checked before any database work.
    log().warn(
      { err: { message: (e as Error).message, code: (e as { code?: unknown }).code } },
      'switch event not taken: database unavailable',
    );
    return {
      ...answer(503, {
        error: {
          code: 'database_unavailable',
          message:
            'Tollgate cannot use its database just now, so this event is not known to be stored; send it again later (same id and body): a copy already applied is answered as a duplicate',
        },
      }),
      retryAfterSec: DATABASE_RETRY_AFTER_SEC,
    };
  }
}

/** ingestSwitchEvent without its answer to a database outage, which it lets through as thrown. */
async function ingest(
  body: string | Uint8Array,
  signature: string | null,
  secret: string,
  nowSec: number,
): Promise<IngestAnswer> {
  // The HMAC is over the bytes as received (CONTRACTS §4 "<raw body>"), before any decoding.
  const sig = verifySignature(secret, body, signature, nowSec);
  if (!sig.ok)
    return answer(401, { error: { code: 'bad_signature', message: SIGNATURE_REFUSALS[sig.reason] } });

  const raw = decodeUtf8(body);
  if (raw === null) {
    // JSON exchanged between systems must be UTF-8 (RFC 8259 §8.1). Kept as far as it reads (each
    // bad byte shown as U+FFFD), with the account it names flagged, like any other refused event.
    const shown = Buffer.from(body).toString('utf8');
    await keepRejected(shown, 'the body is not valid UTF-8', namedAccount(parseOrNull(shown)), body);
    return answer(400, {
      error: { code: 'not_utf8', message: 'the body is not valid UTF-8 (RFC 8259 §8.1); send JSON as UTF-8' },
    });
  }

  let json: unknown;
  try {
    // A lone surrogate the switch wrote as a JSON escape (`"from":"\ud800"`) is read as its six
    // characters, in every field at once (parseReceivedJson: neither database can hold one).
    json = parseReceivedJson(withoutBom(raw));
  } catch {
    // A body cut short (a proxy, a crashed sender) still names its account before the calls.
    await keepRejected(raw, 'malformed JSON', accountInHead(Buffer.from(withoutBom(raw), 'utf8')));
    return answer(400, { error: { code: 'malformed_json', message: 'the body is not JSON' } });
  }
  const parsed = switchEventSchema.safeParse(json);
  if (!parsed.success) {
    const message = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join('.')}: ${i.message}`)
      .join('; ');
    await keepRejected(raw, message, namedAccount(json));
    return answer(400, { error: { code: 'invalid_event', message } });
  }
  const event = parsed.data;
  const ahead = aheadOfSignature(event, sig.timestamp);
  if (ahead) {
    await keepRejected(raw, ahead, event.data.accountNumber);
    // Its own code, not `invalid_event`: a clock fault, which the switch's operator mends differently
    // from a malformed event (docs/switch-api.md part 2, "Answers, and when to retry": final too).
    return answer(400, { error: { code: 'occurred_in_future', message: ahead } });
  }
  const inbox = { id: event.id, type: event.type, accountNumber: event.data.accountNumber, body: raw };

  // The same id with another body is not a copy (a switch whose id counter started again): refused
  // with nothing applied. Compared inside the transaction, whatever the stored row's state and
  // whichever of two racing deliveries stored it (applySwitchEvent, ctx.sameBody), with no read
  // before it: a new event costs no statement for the check (issue 14, goal 5).
  let applied = await apply(event, inbox);
  if (applied.kind === 'id_reused') return refuseReusedId(event, raw, applied.stored);
  if (applied.kind === 'unknown_account')
    return answer(404, {
      error: { code: 'unknown_account', message: `no account ${event.data.accountNumber}` },
    });
  // A placement older than the account's last change is believed only if the switch still blocks the
  // account; a lift dated before a block within the clock-skew window lifts it only if the switch
  // allows calls. A read that another change overtook (applied while it was on the wire) is made
  // again, twice at most.
  for (let reads = 0; applied.kind === 'need_switch_state'; reads++) {
    const readAt = sharedNow();
    const state = reads < STATE_READS ? await switchClient().getAccount(event.data.accountNumber) : null;
    if (!state?.ok) {
      await markUncertain(event.data.accountNumber);
      const why =
        event.type === 'block.lifted'
          ? `this lift is dated before a block placed less than ${DEFAULT_TOLERANCE_SEC} s after it (two clocks of the switch may differ that much)`
          : 'this event is older than the account’s last change';
      return answer(503, {
        error: {
          code: 'switch_state_unavailable',
          message: state
            ? `${why}, and the switch’s state could not be read to order them; send it again later`
            : `${why}, and the account kept changing while its state was read; send it again later`,
        },
      });
    }
    applied = await apply(event, inbox, state.value, readAt);
    if (applied.kind === 'id_reused') return refuseReusedId(event, raw, applied.stored);
  }
  return answer(200, { received: true, duplicate: applied.kind === 'duplicate' });
}

/**
 * An event sent with a `Content-Encoding` (`coding`, e.g. `gzip`; see contentCodingOf): 415
 * `unsupported_encoding`, nothing read or kept. The signature covers the bytes as sent and the event
 * is read as UTF-8 JSON, so compressed bytes would be refused as not UTF-8 (signed over them) or as a
 * wrong signature (signed over the JSON), both misleading: this names the cause (docs/switch-api.md
 * part 2; RFC 9110 §15.5.16: the answer carries `Accept-Encoding: identity`, RFC 7694 §3).
 */
export function refuseEncodedEvent(coding: string): IngestAnswer {
  return answer(415, {
    error: {
      code: 'unsupported_encoding',
      message: `Content-Encoding ${coding} is not accepted: send the event's JSON uncompressed, signed over those bytes; nothing was applied`,
    },
  });
}

/**
 * A body past EVENT_BODY_LIMIT (CONTRACTS §4 events; docs/switch-api.md part 2): too large to apply,
 * so the answer is always 413 `too_large`, but the block it may carry is real on the switch, and the
 * switch will not send the same bytes again. So, without buffering more than EVENT_BODY_LIMIT:
 * every chunk (up to EVENT_BODY_READ_CAP; past it, or when the declared length is past it, reading
 * stops) goes through the signature check of each secret (`secrets`: the current one, then the
 * previous one during a rotation); when one matches, the first EVENT_BODY_LIMIT bytes are read with a
 * streaming JSON parser for `data.accountNumber` (switches write it before the calls), and the event
 * is kept as refused (its first 64 KiB, `rejected`) with that account flagged for reconciliation, so
 * the reconciler's next pass reads the switch's state and shows the block (docs/switch-api.md part 3).
 * An unsigned or wrongly signed body changes nothing. Returns the 413 and the account flagged, if any.
 */
export async function refuseOversizedEvent(
  body: Extract<LimitedBody, { ok: false }>,
  signature: string | null,
  secrets: string[],
  nowSec = Math.floor(Date.now() / 1000),
): Promise<IngestAnswer & { accountNumber?: string }> {
  const tooLarge = (message: string, accountNumber?: string) => ({
    status: 413 as const,
    body: { error: { code: 'too_large', message } },
    accountNumber,
  });
  const limits = `event bodies are limited to ${EVENT_BODY_LIMIT / 1024 / 1024} MiB`;
  if (body.declared !== null && body.declared > EVENT_BODY_READ_CAP) {
    await body.cancel();
    return tooLarge(limits);
  }
  const checks = secrets.map((secret) => startSignatureCheck(secret, signature, nowSec));
  const head: Uint8Array[] = [];
  let headBytes = 0;
  let size = 0;
  for await (const chunk of body.chunks) {
    size += chunk.byteLength;
    if (size > EVENT_BODY_READ_CAP) {
      await body.cancel();
      return tooLarge(limits);
    }
    for (const check of checks) check.update(chunk);
    if (headBytes < EVENT_BODY_LIMIT) {
      const part = chunk.subarray(0, EVENT_BODY_LIMIT - headBytes);
      head.push(part);
      headBytes += part.byteLength;
    }
  }
  if (!checks.some((check) => check.result().ok)) return tooLarge(limits);

  const first = Buffer.concat(head);
  const accountNumber = accountInHead(first);
  const error = `body of ${size} bytes is over the ${EVENT_BODY_LIMIT} byte limit; not applied`;
  // The first 64 KiB as text (a character cut at the end shows as U+FFFD).
  const flagged = await keepRejected(
    first.subarray(0, OVERSIZED_KEPT).toString('utf8'),
    error,
    accountNumber,
  );
  if (!accountNumber) return tooLarge(`${limits}; no account number was found in its first MiB`);
  // Like the 404 of a smaller event: an account the portal does not know has nothing to compare.
  if (!flagged)
    return tooLarge(`${limits}; nothing of it was applied, and Tollgate knows no account ${accountNumber}`);
  return tooLarge(
    `${limits}; nothing of it was applied, and account ${accountNumber} will be compared with your switch’s state at the next reconciliation`,
    accountNumber,
  );
}

/**
 * `data.accountNumber` of a JSON body's first bytes (the rest not read), when it is there and has the
 * account number's form. @streamparser/json emits a value as soon as it is complete, so a body cut in
 * the middle of its calls still gives the fields before them; a syntax error stops the reading.
 */
function accountInHead(head: Uint8Array): string | undefined {
  let found: string | undefined;
  const parser = new JSONParser({ paths: ['$.data.accountNumber'], keepStack: false });
  parser.onValue = ({ value }) => {
    if (found === undefined && accountNumberSchema.safeParse(value).success) found = value as string;
  };
  parser.onError = () => undefined;
  try {
    // In slices, so the reading stops once the number is found (it comes before the calls).
    for (let at = 0; at < head.byteLength && found === undefined; at += 16 * 1024)
      parser.write(head.subarray(at, at + 16 * 1024));
  } catch {
    // A syntax error: what was found before it stands.
  }
  return found;
}

/**
 * The event's `occurredAt` must not be later than its signature time `t` (the switch's clock when it
 * sent the event) plus the signature window's tolerance (300 s): a change cannot be sent before it
 * happened. A time further ahead is a local time written with `Z`, or a clock that stepped back
 * after the event was written (NTP correcting a fast clock, a virtual machine restored from a
 * snapshot), and the portal orders a block's lifts by it (lib/blocks/lifecycle.ts), so such an event
 * is refused (400 `occurred_in_future`) before anything is stored but the rejected body. `t` is not
 * in the signed bytes, so the same event signed again once the sender's clock has passed
 * `occurredAt` − 300 s is applied; docs/switch-api.md asks senders to give it up all the same (taken
 * that late, after the reconciler made both sides agree, a lift could undo a block placed since).
 * Returns the reason, or null. A trigger call's time is never a reason to refuse (docs/switch-api.md): one later than
 * `occurredAt` + 300 s is stored as `occurredAt` (lib/blocks/trigger-calls.ts).
 */
function aheadOfSignature(event: SwitchEvent, tSec: number): string | null {
  const limitMs = (tSec + DEFAULT_TOLERANCE_SEC) * 1000;
  if (new Date(event.occurredAt).getTime() <= limitMs) return null;
  return `occurredAt: later than the signature time t + ${DEFAULT_TOLERANCE_SEC} s (a clock behind, or a local time written with Z); not applied: fix the sender's clock or zone, and do not send this event again`;
}

/**
 * One application, asked again once when a concurrent copy stored the inbox row first (P2002; see
 * applySwitchEvent). If the transaction fails otherwise, nothing of it stays, so the raw body is
 * still kept (as `received`, for the switch's retry or an operator) before the error goes on. An id
 * found done with another body (EventIdReused: its transaction rolled back) is `id_reused`, with the
 * body stored under it; nothing is written then.
 */
async function apply(
  event: SwitchEvent,
  inbox: InboxRow,
  switchState?: SwitchAccount,
  switchStateReadAt?: Date,
): Promise<EventApplied | { kind: 'id_reused'; stored: string }> {
  const ctx = {
    inbox,
    switchState,
    switchStateReadAt,
    sameBody: (stored: string) => sameEventBody(stored, inbox.body),
  };
  try {
    try {
      return await applySwitchEvent(event, ctx);
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      return await applySwitchEvent(event, ctx);
    }
  } catch (e) {
    if (e instanceof EventIdReused) return { kind: 'id_reused', stored: e.stored };
    await db.switchEvent.create({ data: inbox }).catch(() => undefined);
    throw e;
  }
}

/**
 * Whether `received` (a body just received, as text) is the event stored as `stored` under the same
 * id: CONTRACTS §4 answers "the same id again" as a duplicate, and a retry may have been serialised
 * again (another key order, other white space, a byte order mark, `1.0` for `1`), so the two are
 * compared as parsed JSON values (node:util isDeepStrictEqual: object keys in any order, arrays in
 * order), not as bytes. A body the retention worker cleared (CLEARED_EVENT_BODY, after
 * RETENTION_DAYS; docs/operations.md "Retention") cannot be compared: taken as the same, so such a
 * retry stays a duplicate (docs/switch-api.md part 2). A stored body that does not parse is not the same.
 */
export function sameEventBody(stored: string, received: string): boolean {
  if (stored === received || stored === CLEARED_EVENT_BODY) return true;
  const a = parseOrNull(stored);
  return a !== null && isDeepStrictEqual(a, parseOrNull(received));
}

/** A short fingerprint of a body for the audit log (never the body): `sha256:` and 16 hex digits. */
const bodyFingerprint = (body: string) =>
  `sha256:${crypto.createHash('sha256').update(body, 'utf8').digest('hex').slice(0, 16)}`;

/**
 * The answer to an id already received with a different body (sameEventBody): `409
 * event_id_reused` (RFC 9110 §15.5.10: the request conflicts with the stored state), nothing applied
 * and nothing stored over the first body. A switch whose id counter started again (a database
 * restore) would otherwise lose every new event behind a `200 duplicate` (docs/switch-api.md part 2).
 * Audited as `switch.event.id_reused` with a short hash of each body (bodyFingerprint; never the bodies,
 * which hold numbers and addresses), on the account the new body names when Tollgate knows it, and
 * logged as a warning.
 */
async function refuseReusedId(event: SwitchEvent, received: string, stored: string): Promise<IngestAnswer> {
  const detail = {
    storedFingerprint: bodyFingerprint(stored),
    receivedFingerprint: bodyFingerprint(received),
  };
  const account = await db.customerAccount.findUnique({
    where: { number: event.data.accountNumber },
    select: { id: true },
  });
  await audit({
    action: 'switch.event.id_reused',
    accountId: account?.id ?? null,
    target: { type: 'switch_event', id: event.id },
    detail,
  });
  log().warn(
    { eventId: event.id, ...detail },
    'switch event refused: id already received with a different body',
  );
  return answer(409, {
    error: {
      code: 'event_id_reused',
      message: `event ${event.id} was already received with a different body; nothing was applied; send this event with a new id`,
    },
  });
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as text, or null when its bytes are not valid UTF-8. A string is already text. */
function decodeUtf8(body: string | Uint8Array): string | null {
  if (typeof body === 'string') return body;
  try {
    return utf8.decode(body);
  } catch {
    return null;
  }
}

/**
 * `text` without a leading byte order mark (U+FEFF). RFC 8259 §8.1: a sender must not add one, but
 * "implementations that parse JSON texts MAY ignore the presence of a byte order mark rather than
 * treating it as an error": switches on .NET or PowerShell write it, and JSON.parse refuses it (every
 * block of such a switch was refused with 400 `malformed_json`; issue 14). The stored body keeps it.
 */
function withoutBom(text: string): string {
  return text.startsWith('\uFEFF') ? text.slice(1) : text;
}

function parseOrNull(text: string): unknown {
  try {
    return parseReceivedJson(withoutBom(text));
  } catch {
    return null;
  }
}

/** The account number a refused event names (`data.accountNumber`), when it has the right form. */
function namedAccount(json: unknown): string | undefined {
  const n = (json as { data?: { accountNumber?: unknown } } | null)?.data?.accountNumber;
  return accountNumberSchema.safeParse(n).success ? (n as string) : undefined;
}

/**
 * Kept (under a synthetic id made from the body, so a body refused again is kept once) so an operator
 * can see what the switch sent; never acted on. A NUL
 * character, which PostgreSQL refuses in text (a raw one makes a body malformed JSON), is stored as
 * the six characters `\u0000`, in the body and the error alike. When the signed body names an account
 * (`accountNumber`, well formed), the row records it and an account the portal knows is flagged for
 * reconciliation (`reconcileDue`): the switch may have blocked it, and its next pass reads the
 * switch's state whatever the refused event said. Storing is best effort: if the row cannot be
 * written the failure is logged (without the body), the account is still flagged, and the sender still
 * gets its answer. Returns whether an account was flagged (false: none named, or one the portal does
 * not know).
 */
async function keepRejected(
  raw: string,
  error: string,
  accountNumber?: string,
  received: string | Uint8Array = raw,
): Promise<boolean> {
  const escapeNul = (text: string) => text.replaceAll('\u0000', '\\u0000');
  const body = escapeNul(raw);
  try {
    // One row per body received and reason: a sender that re-sends what was refused (every minute for
    // days, as a sender retrying every failure does) stored a full copy, up to 1 MiB, with every
    // attempt (review, session 40). The id is made from the bytes as received (`received`: not the
    // text kept, in which different bad bytes all read U+FFFD) and the reason (an oversized body's
    // names its size); the first refusal's row is kept, and the account is flagged each time (below).
    const id = `rejected_${crypto.createHash('sha256').update(received).update('\u0000').update(error).digest('hex')}`;
    await db.switchEvent.upsert({
      where: { id },
      create: {
        id,
        type: 'unknown',
        accountNumber: accountNumber ?? '',
        body,
        status: 'rejected',
        error: cutWhole(escapeNul(error), 1000),
      },
      update: {},
    });
  } catch (e) {
    log().error(
      { err: { message: (e as Error).message }, bodyLength: raw.length },
      'a rejected switch event could not be kept',
    );
  }
  try {
    // Flagged even when the row could not be written: the account is what brings the block back.
    return accountNumber ? await markUncertain(accountNumber) : false;
  } catch (e) {
    log().error(
      { err: { message: (e as Error).message } },
      'an account could not be flagged for reconciliation',
    );
    return false;
  }
}
