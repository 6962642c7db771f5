import 'server-only';
import crypto from 'node:crypto';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { env } from '@/lib/server/env';
import { db } from '@/lib/server/db';
import { errorForLog, log } from '@/lib/server/log';
import { clockOffset } from '@/lib/server/clock';
import { mailOutboxLagMs } from '@/lib/mail/lag';
import { NOT_SENT } from '@/lib/mail/render';
import { INTERACTIVE_TEMPLATES } from '@/lib/mail/delivery-policy';
import { WITHDRAWN_ERRORS } from '@/lib/switch/error-text';

// Prometheus metrics (prom-client), served by GET /api/metrics (CONTRACTS §7). Counters and the
// histogram are updated where things happen; gauges that describe the database (outbox depth,
// active blocks) are read just before each scrape, so every instance reports the same shared truth.
// docs/operations.md lists each family, its labels and example alerts.

export type SignInMethod = 'password' | 'email_link' | 'totp';
export type SignInOutcome = 'success' | 'failure' | 'throttled';
/**
 * The `result` label of tollgate_switch_events_total: `new`, `duplicate`, the refusing HTTP status
 * (`409`: an event id sent again with a different body, since 2026-12-07), or `database_unavailable`
 * for the 503 of a database outage (the other 503 is a late placement, or a lift dated before a block
 * within the clock-skew window, that the switch's state could not confirm).
 */
export type EventResult =
  'new' | 'duplicate' | '400' | '401' | '404' | '409' | '413' | '415' | '503' | 'database_unavailable';

function create() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'tollgate_' }); // tollgate_process_*, tollgate_nodejs_*
  // The gauges read from the database at each scrape, in a registry of their own: a scrape whose read
  // fails leaves them out rather than report the last values as current, and still serves the rest.
  const databaseRegistry = new Registry();
  const databaseRead = new Gauge({
    name: 'tollgate_metrics_database_read',
    help: 'Whether this scrape read the database-backed gauges (1), or left them out because the database did not answer in time (0).',
    registers: [registry],
  });

  const gauge = (name: string, help: string, label: string) =>
    new Gauge({ name, help, labelNames: [label], registers: [databaseRegistry] });
  const outboxDepth = gauge(
    'tollgate_outbox_depth',
    'Rows waiting to be sent (status pending), by outbox.',
    'outbox',
  );
  const outboxOldest = gauge(
    'tollgate_outbox_oldest_age_seconds',
    'Age of the oldest pending row, by outbox (0 when none); for mail, since it became due (a held alert is not late).',
    'outbox',
  );
  const outboxFailed = gauge(
    'tollgate_outbox_failed',
    'Rows that gave up after their last attempt (status failed), by outbox; not the switch changes Tollgate withdrew itself, nor the mail it chose not to send.',
    'outbox',
  );
  const activeBlocks = gauge(
    'tollgate_active_blocks',
    'Blocks in force (status active or lift_pending), by reason.',
    'reason',
  );
  const outOfSync = new Gauge({
    name: 'tollgate_reconciliation_out_of_sync',
    help: 'Accounts whose portal and switch states differed and that staff have not resolved (open SyncIssue rows).',
    registers: [databaseRegistry],
  });
  const readRequests = requestBacklogGauges(gauge);

  const clock = new Gauge({
    name: 'tollgate_clock_offset_seconds',
    help: "The database server's clock minus this instance's, as last measured (lib/server/clock.ts).",
    registers: [registry],
    collect() {
      this.set(clockOffset().offsetMs / 1000);
    },
  });
  void clock;

  /** Sets the gauges that describe the shared database; called before each scrape is rendered. */
  async function readDatabase(): Promise<void> {
    const now = Date.now();
    const pending = {
      where: { status: 'pending' as const },
      _count: { _all: true as const },
      _min: { createdAt: true as const },
    };
    const [ops, mail, mailLag, opsFailed, mailFailed, blocks, openIssues] = await Promise.all([
      db.switchOperation.aggregate(pending),
      db.mailMessage.aggregate(pending),
      mailOutboxLagMs(now),
      // A change Tollgate withdrew itself (a lift a new block cancelled) is stored `failed` too, but
      // was not refused and needs nobody: the alert on this gauge fired on it.
      db.switchOperation.count({
        where: {
          status: 'failed',
          OR: [{ lastError: null }, { lastError: { notIn: [...WITHDRAWN_ERRORS] } }],
        },
      }),
      // A message the renderer chose not to send (NOT_SENT: a reader gone, news overtaken by a later
      // mail) is stored `failed` too and needs nobody. One this version could not read is not among
      // them: it waits for an instance that can, and failed (`unreadable: …`) it is counted here.
      db.mailMessage.count({
        where: {
          status: 'failed',
          OR: [{ lastError: null }, { NOT: { lastError: { startsWith: NOT_SENT } } }],
        },
      }),
      db.block.groupBy({
        by: ['reason'],
        where: { status: { in: ['active', 'lift_pending'] } },
        _count: { _all: true },
      }),
      db.syncIssue.count({ where: { resolvedAt: null } }),
    ]);
    outOfSync.set(openIssues);
    for (const [outbox, row, failed] of [
      ['switch', ops, opsFailed],
      ['mail', mail, mailFailed],
    ] as const) {
      outboxDepth.set({ outbox }, row._count._all);
      outboxFailed.set({ outbox }, failed);
      // Mail waits from when it became due, as the readiness check reads it: a SIP password alert
      // is held 2 to 10 minutes on purpose (lib/mail/lag.ts).
      const since = row._min.createdAt ? now - row._min.createdAt.getTime() : 0;
      outboxOldest.set({ outbox }, Math.max(0, outbox === 'mail' ? mailLag : since) / 1000);
    }
    for (const reason of ['high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern', 'manual']) {
      activeBlocks.set({ reason }, blocks.find((r) => r.reason === reason)?._count._all ?? 0);
    }
    await readRequests(now);
  }
  return {
    registry,
    databaseRegistry,
    databaseRead,
    readDatabase,
    switchEvents: new Counter({
      name: 'tollgate_switch_events_total',
      help: 'Events posted by the switch to /api/switch/events, by answer: new, duplicate, the refusing HTTP status, or database_unavailable (503, an outage).',
      labelNames: ['result'],
      registers: [registry],
    }),
    switchCalls: new Histogram({
      name: 'tollgate_switch_call_duration_seconds',
      help: 'Each attempt of a call to the switch API: duration, by method, operation and outcome (ok or the failure kind).',
      labelNames: ['method', 'operation', 'outcome'],
      buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    switchTooManyRequests: new Counter({
      name: 'tollgate_switch_too_many_requests_total',
      help: 'Answers 429 (Too Many Requests) from the switch API, each attempt, retries included.',
      registers: [registry],
    }),
    switchQuietSeconds: new Counter({
      name: 'tollgate_switch_quiet_seconds_total',
      help: "Seconds this instance's switch workers (outbox, reconciler, allowance watch) started no call because a 429 or 503 asked for quiet (Retry-After, at most 5 min each; overlaps counted once).",
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'tollgate_sign_in_total',
      help: 'Sign-in attempts, by method (password, email_link, totp) and outcome (success, failure, throttled).',
      labelNames: ['method', 'outcome'],
      registers: [registry],
    }),
    mailExpiredUnsent: mailExpiredUnsentCounter(registry),
    ...retentionCounters(registry),
  };
}

/** The tables the retention worker deletes rows of (lib/server/retention.ts), as their SQL names. */
export const RETENTION_TABLES = ['SwitchEvent', 'SwitchOperation', 'MailMessage', 'Session'] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];

/**
 * `tollgate_retention_deleted_total{table}`: rows this instance's retention worker deleted, per table
 * (each starts at 0, so that `increase()` sees the first); and
 * `tollgate_retention_event_bodies_cleared_total`: switch events whose body it cleared, the row kept
 * for its id (docs/operations.md, "Retention").
 */
function retentionCounters(registry: Registry) {
  const retentionDeleted = new Counter({
    name: 'tollgate_retention_deleted_total',
    help: 'Rows the retention worker deleted past their retention period, by table (SwitchEvent, SwitchOperation, MailMessage, Session).',
    labelNames: ['table'],
    registers: [registry],
  });
  for (const table of RETENTION_TABLES) retentionDeleted.inc({ table }, 0);
  const eventBodiesCleared = new Counter({
    name: 'tollgate_retention_event_bodies_cleared_total',
    help: 'Switch events whose stored body the retention worker cleared, keeping the row for its id (duplicates).',
    registers: [registry],
  });
  return { retentionDeleted, eventBodiesCleared };
}

/**
 * The support backlog's gauges (docs/operations.md, "Support backlog"), made with `gauge` (a gauge of
 * the database registry with one label): `tollgate_requests_pending{kind}`, requests waiting for
 * support, and `tollgate_requests_oldest_age_seconds{kind}`, the age in seconds of the oldest (0 when
 * none), for `kind` misdial and firewall (unblock requests, status pending: the (status, kind,
 * createdAt) index, migration 0025) and allowance (destination-allowance requests, status
 * requested). Returns the reader that sets them, given the scrape's time (ms epoch).
 */
function requestBacklogGauges(gauge: (name: string, help: string, label: string) => Gauge) {
  const pending = gauge(
    'tollgate_requests_pending',
    'Requests waiting for support, by kind: misdial and firewall unblock requests (pending), destination allowances (requested).',
    'kind',
  );
  const oldest = gauge(
    'tollgate_requests_oldest_age_seconds',
    'Age of the oldest request waiting for support, by kind (0 when none).',
    'kind',
  );
  return async (now: number): Promise<void> => {
    const [unblock, allowances] = await Promise.all([
      db.unblockRequest.groupBy({
        by: ['kind'],
        where: { status: 'pending' },
        _count: { _all: true },
        _min: { createdAt: true },
      }),
      db.destinationAllowance.aggregate({
        where: { status: 'requested' },
        _count: { _all: true },
        _min: { createdAt: true },
      }),
    ]);
    const kinds = [
      ...(['misdial', 'firewall'] as const).map((kind) => {
        const row = unblock.find((u) => u.kind === kind);
        return { kind, count: row?._count._all ?? 0, at: row?._min.createdAt ?? null };
      }),
      { kind: 'allowance', count: allowances._count._all, at: allowances._min.createdAt },
    ];
    for (const { kind, count, at } of kinds) {
      pending.set({ kind }, count);
      oldest.set({ kind }, at ? Math.max(0, (now - at.getTime()) / 1000) : 0);
    }
  };
}

type Metrics = ReturnType<typeof create>;
// One registry per process: Next.js bundles this module into several server chunks.
const g = globalThis as { __tollgateMetrics?: Metrics; __tollgateSwitchCalls?: SwitchCalls };
/** When this process last got an answer from the switch (`ok`) and last found it unavailable (ms epoch). */
type SwitchCalls = { lastOkAt: number | null; lastUnavailableAt: number | null };
const metrics = (): Metrics => (g.__tollgateMetrics ??= create());

/** How long a scrape waits for the database-backed gauges, ms: within Prometheus' default 10 s scrape timeout. */
export const METRICS_DB_WAIT_MS = 5_000;

/**
 * The text exposition (Prometheus 0.0.4) and its content type; reads the database-backed gauges first.
 * When the database does not answer within METRICS_DB_WAIT_MS (down, frozen, its pool taken), those
 * gauges are left out of this scrape, `tollgate_metrics_database_read` is 0 and one warning is logged:
 * the process's own metrics and counters are served all the same, which an outage is when they are
 * most wanted (before 2026-12-05 the scrape answered 500, or waited past Prometheus' timeout).
 */
export async function renderMetrics(
  waitMs = METRICS_DB_WAIT_MS,
): Promise<{ body: string; contentType: string }> {
  const { registry, databaseRegistry, databaseRead, readDatabase } = metrics();
  let timer: NodeJS.Timeout | undefined;
  const read = await Promise.race([
    readDatabase().then(
      () => true,
      (e: unknown) => {
        log().warn(
          { err: errorForLog(e) },
          'metrics: the database could not be read; its gauges are left out',
        );
        return false;
      },
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => {
        log().warn({ waitMs }, 'metrics: the database did not answer in time; its gauges are left out');
        resolve(false);
      }, waitMs);
    }),
  ]).finally(() => clearTimeout(timer));
  databaseRead.set(read ? 1 : 0);
  const shown = read ? Registry.merge([registry, databaseRegistry]) : registry;
  return { body: await shown.metrics(), contentType: registry.contentType };
}

/** One answer of POST /api/switch/events (CONTRACTS §4). */
export function countSwitchEvent(result: EventResult): void {
  metrics().switchEvents.inc({ result });
}

/**
 * One attempt of a switch API call. `path` is reduced to its operation (`/v1/accounts/{n}` →
 * `GET account`) so that labels stay few; `outcome` is `ok` or the failure kind (unavailable, …).
 */
export function observeSwitchCall(method: string, path: string, outcome: string, seconds: number): void {
  metrics().switchCalls.observe({ method, operation: switchOperation(path), outcome }, seconds);
  const calls = (g.__tollgateSwitchCalls ??= { lastOkAt: null, lastUnavailableAt: null });
  if (outcome === 'ok') calls.lastOkAt = Date.now();
  if (outcome === 'unavailable') calls.lastUnavailableAt = Date.now();
}

/** When this process's switch calls last succeeded and last found the switch unavailable: readiness reports it. */
export function switchCallTimes(): SwitchCalls {
  return { ...(g.__tollgateSwitchCalls ?? { lastOkAt: null, lastUnavailableAt: null }) };
}

/** `/v1/accounts/ACC-1/international-calling` → `international-calling`; an account GET → `account`. */
export function switchOperation(path: string): string {
  const parts = path.split('?')[0].split('/').filter(Boolean); // v1, collection, id, [action, …]
  if (parts.length >= 4) return parts[3];
  return parts[1] === 'accounts' ? 'account' : (parts[1] ?? 'unknown');
}

/** One 429 answer of the switch API (lib/switch/quiet.ts). */
export function countSwitchTooManyRequests(): void {
  metrics().switchTooManyRequests.inc();
}

/** `seconds` more of quiet towards the switch, as a 429 or 503 asked (lib/switch/quiet.ts). */
export function countSwitchQuietSeconds(seconds: number): void {
  metrics().switchQuietSeconds.inc(seconds);
}

export function countSignIn(method: SignInMethod, outcome: SignInOutcome): void {
  metrics().signIns.inc({ method, outcome });
}

/**
 * `tollgate_mail_expired_unsent_total{template}`: mail a person was waiting for (lib/mail/
 * delivery-policy.ts LANES, `interactive`) that this instance did not send because its code or link
 * had expired by its turn (lib/mail/render.ts). Such a row is failed `not sent: …`, which
 * tollgate_outbox_failed leaves out: this counts it. Each interactive template starts at 0, so that
 * `increase()` sees the first one.
 */
function mailExpiredUnsentCounter(registry: Registry): Counter<'template'> {
  const counter = new Counter({
    name: 'tollgate_mail_expired_unsent_total',
    help: 'Mail a person was waiting for (a sign-in link, a code) not sent because it expired before its turn in the outbox, by template.',
    labelNames: ['template'],
    registers: [registry],
  });
  for (const template of INTERACTIVE_TEMPLATES) counter.inc({ template }, 0);
  return counter;
}

/** `count` rows of `table` deleted by a retention pass (lib/server/retention.ts). */
export function countRetentionDeleted(table: RetentionTable, count: number): void {
  metrics().retentionDeleted.inc({ table }, count);
}

/** `count` switch event bodies cleared by a retention pass (lib/server/retention.ts). */
export function countEventBodiesCleared(count: number): void {
  metrics().eventBodiesCleared.inc(count);
}

/** One message of `template` not sent because its code or link expired first (lib/mail/worker.ts). */
export function countMailExpiredUnsent(template: string): void {
  metrics().mailExpiredUnsent.inc({ template });
}

/**
 * Who may read /api/metrics (CONTRACTS §7): `disabled` when METRICS_TOKEN is unset (answer 404),
 * `ok` for `Authorization: Bearer <METRICS_TOKEN>` (compared in constant time), else `denied` (401).
 */
export function metricsAccess(
  authorization: string | null,
  { token } = { token: env().METRICS_TOKEN },
): 'ok' | 'denied' | 'disabled' {
  if (!token) return 'disabled';
  // RFC 7235 §2.1: the scheme is case-insensitive ("bearer" from some scrapers), one or more spaces
  // before the credentials (RFC 6750 §2.1: a token68, no spaces in it).
  const given = /^Bearer +(\S+) *$/i.exec(authorization ?? '')?.[1] ?? '';
  const a = crypto.createHash('sha256').update(given).digest();
  const b = crypto.createHash('sha256').update(token).digest();
  return crypto.timingSafeEqual(a, b) ? 'ok' : 'denied';
}
