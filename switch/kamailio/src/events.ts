import { createHmac, randomBytes } from 'node:crypto';
import { requestDeadline } from '../../../lib/server/request-deadline';
import type { Db } from './db';

// Delivers the outbox (rows queued by Kamailio's fraud trigger or by the operator CLI) to Tollgate,
// CONTRACTS §4. This runs in the companion process: Kamailio's SIP workers only ever write one row,
// so a slow or unreachable Tollgate delays events, never calls.

export interface DeliveryOptions {
  /** Tollgate's `POST /api/switch/events` URL. */
  eventsUrl: string;
  /** SWITCH_WEBHOOK_SECRET, shared with Tollgate. */
  webhookSecret: string;
  pollIntervalMs?: number; // 250
  timeoutMs?: number; // 10 000 per attempt
  retryBaseMs?: number; // 1 000, doubled per attempt
  /**
   * The longest wait between two attempts: 60 000, as docs/switch-api.md part 2 asks of a sender.
   * Tollgate holds the notice of a block its reconciler found for the block.placed (NOTICE_HOLD_MS,
   * 75 s: a minute between attempts plus the attempt), so a longer cap could send that notice without
   * its calls after an outage of the portal.
   */
  retryMaxMs?: number;
  /**
   * Give up (mark abandoned, log) after this long without a 2xx: 3 days. Tollgate's answer with a
   * code in REFUSED_FOR_GOOD abandons the event at once.
   */
  giveUpAfterMs?: number;
  log?: (line: string) => void;
}

export interface Deliverer {
  /** Checks the outbox now instead of at the next poll. */
  kick(): void;
  stop(): Promise<void>;
}

/**
 * Tollgate's answers that say an event will never be applied, however often the same bytes are sent
 * (CONTRACTS §4; docs/switch-api.md part 2, "Answers, and when to retry"): per status, the
 * `error.code` of Tollgate's error body (`{"error":{"code","message"}}`) that is final. `400`
 * `not_utf8`, `malformed_json`, `invalid_event` (not UTF-8, not JSON, not the schema), `413`
 * `too_large` (over 1 MiB), `415` `unsupported_encoding` (a `Content-Encoding`); and `400`
 * `occurred_in_future`: `occurredAt` later than the signature's `t` + 300 s, because this host's clock
 * stepped back after the event was written (NTP after a fast clock, a snapshot restored). Tollgate
 * would take the same bytes signed once the clock has caught up, but by then its reconciler has put
 * the switch and the portal in agreement (blocked wins), and a lift applied that late could undo a
 * block placed since (review, session 40): it is given up like the others. Such an event is
 * abandoned at once with a log line, and its account's next event goes next: Tollgate kept the refused
 * event and compares the account it names with this switch at its reconciler's next pass. Retrying
 * it for the 3 days held back the account's later events (a new fraud block) the whole time.
 *
 * The status alone decides nothing: every other answer is retried with backoff until giveUpAfterMs,
 * the account's later events waiting behind it (they go out in order). Among them:
 * - a `400`, `413` or `415` without Tollgate's error body: a proxy's, not Tollgate's (nginx answers
 *   400 to plain HTTP sent to its HTTPS port and to oversized headers, 413 past its
 *   `client_max_body_size`): retried until the setup is fixed, since a block.placed given up loses its
 *   calls and a block.lifted given up is undone by Tollgate's reconciler;
 * - `401`: nothing was stored; the signature was wrong (a secret being rotated, a wrong
 *   SWITCH_WEBHOOK_SECRET) or stale (this host's clock), and the same event is applied once that is
 *   fixed, while the account's later events would get the same 401;
 * - `404`: Tollgate does not know the account yet; it keeps the event, but applies it only when it is
 *   sent again once the account exists there (`npm run admin -- create-account`);
 * - `503` and every other `5xx`, `429`, `408`, a timeout, a connection error, and any other answer
 *   (a proxy's: a wrong URL, a gateway): "not received, try later".
 */
export const REFUSED_FOR_GOOD: Readonly<Record<number, ReadonlySet<string>>> = {
  400: new Set(['not_utf8', 'malformed_json', 'invalid_event', 'occurred_in_future']),
  413: new Set(['too_large']),
  415: new Set(['unsupported_encoding']),
};

/** Tollgate's error body (`{"error":{"code","message"}}`, CONTRACTS §3–4), or null for any other. */
function tollgateError(body: string): { code: string; message: string } | null {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return null; // not JSON: a proxy's page
  }
  const e = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  return typeof e === 'object' && e !== null && typeof e.code === 'string' && typeof e.message === 'string'
    ? { code: e.code, message: e.message }
    : null;
}

/**
 * Whether an answer (HTTP `status`, its `body` as text) is Tollgate's final refusal of the event:
 * its error body with a code REFUSED_FOR_GOOD lists for that status. False for every other answer,
 * a proxy's 400 among them, which is retried.
 */
export function refusedForGood(status: number, body: string): boolean {
  const code = tollgateError(body)?.code;
  return code !== undefined && (REFUSED_FOR_GOOD[status]?.has(code) ?? false);
}

/** The longest text kept of an answer's error in `outbox.last_error` and in a log line. */
const ERROR_TEXT_MAX = 500;

/**
 * `HTTP <status>`, then Tollgate's error code and message when the answer carries its error body
 * (`{"error":{"code","message"}}`, CONTRACTS §3–4), so an operator reads why without Tollgate's logs.
 */
function answerText(status: number, body: string): string {
  const e = tollgateError(body);
  const detail = e ? ` ${e.code}${e.message ? `: ${e.message}` : ''}` : '';
  const text = `HTTP ${status}${detail}`.replace(/[\u0000-\u001f\u007f]/g, ' ');
  return text.length > ERROR_TEXT_MAX ? `${text.slice(0, ERROR_TEXT_MAX - 1)}…` : text;
}

/** What to check for a failure that keeps coming back, said in the log line of each retry. */
function retryHint(status: number | null, body: string, accountNumber: string): string {
  const code = tollgateError(body)?.code;
  if (status === 401) return ' (check SWITCH_WEBHOOK_SECRET against Tollgate’s, and this host’s clock: NTP)';
  if (status === 404 && code === 'unknown_account')
    return ` (Tollgate has no account ${accountNumber}: create it there; the event applies then)`;
  // Tollgate answers every 4xx with its error body: one without it comes from a proxy in between.
  if (status !== null && status >= 400 && status < 500 && code === undefined)
    return ' (not Tollgate’s answer but a proxy’s: check --events-url, its scheme, host, port and path)';
  return '';
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/** ULID (time-ordered, 26 Crockford base32 characters), as in the contract's `evt_01J…`. */
export function ulid(ms: number = Date.now()): string {
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = CROCKFORD[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const rnd = randomBytes(16);
  let rand = '';
  for (let i = 0; i < 16; i++) rand += CROCKFORD[rnd[i] % 32];
  return time + rand;
}

/** `Tollgate-Signature` value: t=<unix s>,v1=hex HMAC-SHA256(secret, "<t>.<raw body>"). */
export function signatureHeader(
  secret: string,
  rawBody: string,
  t: number = Math.floor(Date.now() / 1000),
): string {
  const v1 = createHmac('sha256', secret).update(`${t}.`).update(rawBody, 'utf8').digest('hex');
  return `t=${t},v1=${v1}`;
}

const isoFromUnix = (s: number): string => new Date(s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface OutboxRow {
  seq: number;
  type: 'block.placed' | 'block.lifted';
  account_number: string;
  created_at: number;
  reason: string | null;
  actor: string | null;
  fraud_hit_id: number | null;
  event_id: string | null;
  body: string | null;
  attempts: number;
  next_attempt_at: number;
}

interface HitRow {
  at: number;
  from_user: string;
  to_number: string;
  source_ip: string;
}

/** Builds the event once; the JSON comes from JSON.stringify, so every string is escaped. */
function buildBody(db: Db, row: OutboxRow): { eventId: string; body: string } {
  const eventId = `evt_${ulid(row.created_at * 1000)}`;
  const occurredAt = isoFromUnix(row.created_at);
  let event: unknown;
  if (row.type === 'block.placed') {
    const hits = row.fraud_hit_id
      ? (db
          .prepare('SELECT at, from_user, to_number, source_ip FROM fraud_hits WHERE id = ?')
          .all(row.fraud_hit_id) as HitRow[])
      : [];
    event = {
      id: eventId,
      type: 'block.placed',
      occurredAt,
      data: {
        accountNumber: row.account_number,
        reason: row.reason ?? 'manual',
        calls: hits.map((h) => ({
          at: isoFromUnix(h.at),
          from: h.from_user,
          to: h.to_number,
          sourceIp: h.source_ip,
          durationSec: 0, // the fraud rules refuse the call before it is answered
        })),
      },
    };
  } else {
    event = {
      id: eventId,
      type: 'block.lifted',
      occurredAt,
      data: { accountNumber: row.account_number, actor: row.actor ?? 'switch' },
    };
  }
  return { eventId, body: JSON.stringify(event) };
}

export function startDelivery(db: Db, o: DeliveryOptions): Deliverer {
  const pollIntervalMs = o.pollIntervalMs ?? 250;
  const timeoutMs = o.timeoutMs ?? 10_000;
  const retryBaseMs = o.retryBaseMs ?? 1_000;
  const retryMaxMs = o.retryMaxMs ?? 60_000;
  const giveUpAfterMs = o.giveUpAfterMs ?? 3 * 86_400_000;
  const log = o.log ?? ((line: string) => console.log(line));

  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const inflight = new AbortController();

  // The rows to send now: for each account, its oldest pending row (so one account's events go out
  // in order), when that row is due, the longest-waiting first. Reading the oldest 100 pending rows
  // of the whole outbox instead let 100 rows that keep failing (a 404 for accounts Tollgate does not
  // know yet, retried by design) hide every later event, a NOC's block.lifted included, which
  // Tollgate's reconciler then undid (docs/switch-api.md part 3). Rows not yet due are not read. A
  // row Tollgate refused for good is abandoned (REFUSED_FOR_GOOD), so it holds back nothing.
  const due = db.prepare(
    `SELECT seq, type, account_number, created_at, reason, actor, fraud_hit_id, event_id, body, attempts, next_attempt_at
       FROM outbox o
      WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= ?
        AND seq = (SELECT min(h.seq) FROM outbox h
                    WHERE h.account_number = o.account_number AND h.delivered_at IS NULL AND h.abandoned_at IS NULL)
      ORDER BY next_attempt_at, seq LIMIT 100`,
  );
  const saveBody = db.prepare('UPDATE outbox SET event_id = ?, body = ? WHERE seq = ? AND body IS NULL');
  const markDelivered = db.prepare(
    'UPDATE outbox SET delivered_at = ?, attempts = attempts + 1, last_status = ?, last_error = NULL WHERE seq = ?',
  );
  const markFailed = db.prepare(
    'UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_status = ?, last_error = ? WHERE seq = ?',
  );
  const markAbandoned = db.prepare('UPDATE outbox SET abandoned_at = ? WHERE seq = ?');
  const markRefused = db.prepare(
    'UPDATE outbox SET attempts = attempts + 1, abandoned_at = ?, last_status = ?, last_error = ? WHERE seq = ?',
  );

  async function attempt(row: OutboxRow): Promise<void> {
    if (row.body === null || row.event_id === null) {
      const built = buildBody(db, row);
      saveBody.run(built.eventId, built.body, row.seq);
      row.event_id = built.eventId;
      row.body = built.body;
    }
    const body = row.body;
    let status: number | null = null;
    let answer = '';
    let error: string | null = null;
    const deadline = requestDeadline(timeoutMs, inflight.signal);
    try {
      const res = await fetch(o.eventsUrl, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'Tollgate-Signature': signatureHeader(o.webhookSecret, body),
          'User-Agent': 'tollgate-reference-switch',
        },
        body,
        signal: deadline.signal,
      });
      status = res.status;
      answer = await res.text().catch(() => '');
      if (res.ok) {
        markDelivered.run(Date.now(), status, row.seq);
        log(`event ${row.event_id} (${row.type} ${row.account_number}) delivered: ${status}`);
        return;
      }
      error = answerText(status, answer);
    } catch (e) {
      error = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    } finally {
      deadline.clear();
    }
    if (status !== null && refusedForGood(status, answer)) {
      // Given up (REFUSED_FOR_GOOD says why each code is final); the account's next event goes next.
      markRefused.run(Date.now(), status, error, row.seq);
      const clock =
        tollgateError(answer)?.code === 'occurred_in_future'
          ? ' Check this host’s clock (NTP): it stepped back after the event was written.'
          : '';
      log(
        `event ${row.event_id} (${row.type} ${row.account_number}) refused by Tollgate (${error}); abandoned, not retried: Tollgate compares account ${row.account_number} with this switch.${clock}`,
      );
      return;
    }
    // Retried (REFUSED_FOR_GOOD says why); the receiver deduplicates on the event id.
    const delay = Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(row.attempts, 20));
    markFailed.run(Date.now() + delay, status, error, row.seq);
    log(
      `event ${row.event_id} (${row.type} ${row.account_number}) attempt ${row.attempts + 1} failed (${error}); retry in ${delay} ms${retryHint(status, answer, row.account_number)}`,
    );
    if (Date.now() - row.created_at * 1000 > giveUpAfterMs) {
      markAbandoned.run(Date.now(), row.seq);
      log(`event ${row.event_id} abandoned after ${row.attempts + 1} attempts`);
    }
  }

  async function cycle(): Promise<void> {
    // One row per account (its head): an account's next event is read once this one is delivered
    // or abandoned, at the next poll.
    for (const row of due.all(Date.now()) as OutboxRow[]) {
      if (stopped) return;
      await attempt(row);
    }
  }

  function schedule(ms: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, ms);
  }

  function run(): void {
    if (stopped || running) return;
    running = cycle()
      .catch((e) => log(`event delivery cycle failed: ${e instanceof Error ? e.message : String(e)}`))
      .finally(() => {
        running = null;
        schedule(pollIntervalMs);
      });
  }

  schedule(0);
  return {
    kick() {
      if (!running) schedule(0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      inflight.abort();
      await running;
    },
  };
}
