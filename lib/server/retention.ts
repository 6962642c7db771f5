import 'server-only';
import { db } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { sharedNow } from '@/lib/server/clock';
import { errorForLog, log } from '@/lib/server/log';
import { countEventBodiesCleared, countRetentionDeleted, type RetentionTable } from '@/lib/server/metrics';

// Storage limitation (GDPR Art. 5(1)(e)): the portal's working tables keep what the switch and the
// people said only as long as something reads it. Before this, nothing deleted a finished row: a fraud
// wave of 15 000 accounts kept every event body (calls, numbers, source IPs) and every mail payload
// for ever. Run by the `retention` worker (lib/server/workers.ts), a bounded batch per table a pass,
// each batch two short statements (read the ids through an index, then one UPDATE or DELETE of those
// ids that repeats every condition), like lib/auth/link-purge.ts: several instances at once only
// share the work, and a statement cut by a timeout is tried again at the next tick.
//
// Sign-in sessions (Session: the browser's address and user agent) are deleted a day after they
// expired, whatever RETENTION_DAYS says: an expired session opens nothing, and nothing else deleted them.
//
// Never touched: the audit log and a block's history (Block, BlockEvent, TriggerCall, requests,
// allowances, sync issues), which are the record staff and customers read; an outbox row still
// `pending` or under a live lease; a switch event not applied (`received`, `unknown_account`), which
// the switch's retry claims and an operator may need to read. docs/operations.md, "Retention".

/** The most rows of one table one pass deletes (as lib/auth/link-purge.ts). */
export const RETENTION_BATCH = 500;

/**
 * The most switch event bodies one pass clears. Fewer than RETENTION_BATCH: a body is up to 1 MiB
 * (lib/blocks/ingest.ts EVENT_BODY_LIMIT), so one statement frees 100 MiB at most and stays well
 * inside POSTGRES_STATEMENT_TIMEOUT_MS. 100 a minute is 144 000 a day.
 */
export const EVENT_BODY_BATCH = 100;

/**
 * The shortest time a switch event's id is kept, in days. The id is the idempotency key that makes a
 * retried event apply once (CONTRACTS §4: the same id again is a duplicate): a sender retries until a
 * horizon that outlasts an outage (docs/switch-api.md part 2; the reference switch gives up after 3
 * days). A year is a hundred times that, and an id row without its body is about a hundred bytes.
 */
export const EVENT_ID_MIN_KEEP_DAYS = 365;

/** What a switch event's `body` holds once retention cleared it (the column is NOT NULL). */
export const CLEARED_EVENT_BODY = '{"cleared":"retention"}';

const DAY_MS = 24 * 60 * 60_000;

/**
 * How long a sign-in session's row is kept after it expired, in ms: a day. An expired session opens
 * nothing (lib/auth/session.ts userOfSession refuses it; its cookie's JWT ends with it, 12 h after
 * sign-in), and every count of sessions reads live ones only, so the row only holds the browser's
 * address and user agent. The day covers clocks of instances that disagree (an expiry written by one,
 * compared by another) and a request that read its session just before the end and is still
 * finishing its transaction (lib/auth/mfa/elevate.ts reads the row again); sign-ins and sign-outs
 * stay in the audit log.
 */
export const SESSION_KEEP_EXPIRED_MS = DAY_MS;

/** A switch event done with: applied (`processed`), or refused for good (`rejected`: final, the switch gives it up). */
const EVENT_DONE = ['processed', 'rejected'] as const;
/** An outbox row's end: the switch confirmed or refused it, the mail went or was given up. */
const FINISHED = ['done', 'failed'] as const;

/** How far a pass got, per table (rows cleared or deleted by this instance). */
export type RetentionCounts = {
  /** SwitchEvent rows whose body was replaced by CLEARED_EVENT_BODY. */
  eventBodiesCleared: number;
  /** SwitchEvent rows (their ids) deleted. */
  events: number;
  /** Finished SwitchOperation rows deleted. */
  switchOperations: number;
  /** Finished MailMessage rows deleted. */
  mail: number;
  /** Session rows deleted, expired more than SESSION_KEEP_EXPIRED_MS ago. */
  sessions: number;
};

/**
 * Where one process's clearing of event bodies stands: every done event received before `from` has
 * had its body cleared by this process's earlier passes, so the next pass reads only from there (the
 * cleared rows stay a year for their ids, and reading past them each minute would cost a scan of
 * them all). Null: from the start. A process starts at null, so a restart reads them all once.
 */
export type EventCursor = { from: Date | null };

const processCursor: EventCursor = { from: null };

/**
 * The cutoffs of a pass at `now` with a retention of `days`: `finished` for outbox rows and event
 * bodies (`days` ago), `eventIds` for event ids (max(days, EVENT_ID_MIN_KEEP_DAYS) ago), `sessions`
 * for sessions' expiry (SESSION_KEEP_EXPIRED_MS ago, whatever `days`).
 */
export function retentionCutoffs(
  now: Date,
  days: number,
): { finished: Date; eventIds: Date; sessions: Date } {
  return {
    finished: new Date(now.getTime() - days * DAY_MS),
    eventIds: new Date(now.getTime() - Math.max(days, EVENT_ID_MIN_KEEP_DAYS) * DAY_MS),
    sessions: new Date(now.getTime() - SESSION_KEEP_EXPIRED_MS),
  };
}

/**
 * A table as deleteBatch uses it: Prisma's `findMany` and `deleteMany` of a model with an `id`.
 */
type BatchTable = {
  findMany(args: {
    where: Record<string, unknown>;
    select: { id: true };
    orderBy?: Record<string, 'asc'>;
    take: number;
  }): Promise<{ id: string }[]>;
  deleteMany(args: { where: Record<string, unknown> }): Promise<{ count: number }>;
};

/**
 * Deletes up to `max` rows of `table` that `read` selects (in `orderBy` order when given, e.g. oldest
 * first), in two short statements: their ids, then a DELETE of those ids that repeats `recheck`, so a
 * row that changed in between (finished again, leased, its expiry moved) is left. Returns how many.
 */
async function deleteBatch(
  table: BatchTable,
  o: {
    read: Record<string, unknown>;
    recheck: Record<string, unknown>;
    max: number;
    orderBy?: Record<string, 'asc'>;
  },
): Promise<number> {
  const batch = await table.findMany({
    where: o.read,
    select: { id: true },
    ...(o.orderBy ? { orderBy: o.orderBy } : {}),
    take: o.max,
  });
  if (!batch.length) return 0;
  const { count } = await table.deleteMany({ where: { id: { in: batch.map((r) => r.id) }, ...o.recheck } });
  return count;
}

/**
 * Clears the body of up to `max` switch events done with (`processed`, `rejected`) received before
 * `before`, oldest first, keeping the row: its id still answers a retried event as a duplicate
 * (lib/blocks/event-sql.ts claimSql claims no row done with, whatever its body). A stored body is read
 * back only to tell a retry from an id reused with another body (lib/blocks/ingest.ts sameEventBody,
 * which takes a cleared body, CLEARED_EVENT_BODY, as the same: a retry then stays a duplicate); only
 * rows done with are cleared, so a `received` row, claimed only by its own bytes, keeps its body, and
 * operators read it with SQL. So only the investigation
 * window, and the reused-id check, end. Reads from `cursor.from` (EventCursor) and moves it. Returns how many.
 */
export async function clearEventBodies(
  before: Date,
  max = EVENT_BODY_BATCH,
  cursor: EventCursor = processCursor,
): Promise<number> {
  const done = { status: { in: [...EVENT_DONE] }, receivedAt: { lt: before } };
  const batch = await db.switchEvent.findMany({
    // PostgreSQL compares the lengths before any byte, so a large body is not read to be skipped.
    where: {
      ...done,
      ...(cursor.from ? { receivedAt: { lt: before, gte: cursor.from } } : {}),
      body: { not: CLEARED_EVENT_BODY },
    },
    select: { id: true, receivedAt: true },
    orderBy: { receivedAt: 'asc' },
    take: max,
  });
  const { count } = batch.length
    ? await db.switchEvent.updateMany({
        where: { id: { in: batch.map((r) => r.id) }, ...done },
        data: { body: CLEARED_EVENT_BODY },
      })
    : { count: 0 };
  // Moved once the batch is cleared: a short batch read everything before `before`; a full one stops
  // at its last row (rows received in the same instant are read again, and skipped as cleared).
  cursor.from = batch.length < max ? before : batch[batch.length - 1].receivedAt;
  return count;
}

/**
 * Deletes up to `max` switch event rows done with and received before `before` (EVENT_ID_MIN_KEEP_DAYS
 * at least), oldest first, only once their body is cleared (so a delete never frees a large body).
 * An event sent again after its id is gone is taken as new: a `block.placed` then fails on its block's
 * unique `sourceEventId` (an error answer, the copy kept `received`) and places no second block.
 * Returns how many.
 */
export async function deleteOldEvents(before: Date, max = RETENTION_BATCH): Promise<number> {
  const where = { status: { in: [...EVENT_DONE] }, receivedAt: { lt: before }, body: CLEARED_EVENT_BODY };
  return deleteBatch(db.switchEvent, { read: where, recheck: where, max, orderBy: { receivedAt: 'asc' } });
}

/**
 * Deletes up to `max` sign-in sessions (Auth.js's Session rows, lib/auth/config.ts) that expired
 * before `before` (SESSION_KEEP_EXPIRED_MS before the pass), with their mailed enrolment code if any
 * (EnrolmentProof, deleted with its session by the foreign key). Nothing reads an expired row: the
 * session check refuses it, the counts on the profile and staff pages read live sessions only, and
 * a session is never extended (a verified one is a new row). Oldest expiry first, through the index
 * on `expires` (migration 0032): a pass with nothing to delete reads one index entry, not every live
 * session. Returns how many.
 */
export async function deleteExpiredSessions(before: Date, max = RETENTION_BATCH): Promise<number> {
  const where = { expires: { lt: before } };
  return deleteBatch(db.session, { read: where, recheck: where, max, orderBy: { expires: 'asc' } });
}

/** No lease held at `now`: none taken, or one run out. */
const leaseFree = (now: Date) => ({ OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] });

/**
 * Deletes up to `max` finished rows (`done`, `failed`) of an outbox `table` created, last due and
 * ended (`endedAt`, its column) before `before`, under no live lease at `now`, oldest due first; never
 * a `pending` one, nor one `keep` selects. Read per status through the (status, nextAttemptAt) index
 * each outbox claims by: no migration, and a pass that finds nothing reads nothing. Returns how many.
 */
async function deleteFinished(
  table: BatchTable,
  endedAt: 'completedAt' | 'sentAt',
  before: Date,
  now: Date,
  max: number,
  keep?: Record<string, unknown>,
): Promise<number> {
  const old = {
    nextAttemptAt: { lt: before },
    createdAt: { lt: before },
    AND: [
      { OR: [{ [endedAt]: null }, { [endedAt]: { lt: before } }] },
      leaseFree(now),
      ...(keep ? [{ NOT: keep }] : []),
    ],
  };
  let deleted = 0;
  for (const status of FINISHED) {
    if (deleted >= max) break;
    deleted += await deleteBatch(table, {
      read: { status, ...old },
      recheck: { status: { in: [...FINISHED] }, ...old },
      max: max - deleted,
      orderBy: { nextAttemptAt: 'asc' },
    });
  }
  return deleted;
}

/**
 * A DELETE of an allowance the switch refused for good while it could not tell whether it still has
 * the allowance (AllowanceDeletePayload.stillListed `{ until: null }`, lib/allowances/operations.ts
 * keptOnSwitch, whose payload is written by JSON.stringify). The pages read it as "the switch may
 * still have it" with no end (lib/allowances/queries.ts stillOnSwitch) for as long as it is the
 * allowance's newest settled DELETE: deleting it would make them say "Ended" of what nobody
 * confirmed. Rare (each one also opened a sync issue for staff), so kept for ever. One refused while
 * the switch listed it until a time is not kept: that time is at most MAX_HOURS (72) after the grant,
 * long before RETENTION_DAYS (at least 7) have passed, and the pages stop reading it then.
 */
export const KEPT_REFUSED_END = {
  kind: 'allowance_delete',
  status: 'failed',
  payload: { contains: '"stillListed":{"until":null}' },
} as const;

/**
 * Deletes up to `max` finished switch operations past `before` (deleteFinished, by `completedAt`),
 * but never a KEPT_REFUSED_END. The staff account page ("Changes for the switch",
 * lib/staff/account-detail.ts) lists the ten latest: it shows the changes of the retention period;
 * the allowance pages read the account's settled allowance DELETEs (lib/allowances/queries.ts
 * endsOnSwitch): one confirmed makes its allowance's end true, and a refusal that followed no end is
 * kept (KEPT_REFUSED_END); every other reader reads `pending` rows only. A block's own history
 * (BlockEvent) and the audit log keep what they did.
 */
export const deleteFinishedSwitchOperations = (before: Date, now: Date, max = RETENTION_BATCH) =>
  deleteFinished(db.switchOperation, 'completedAt', before, now, max, KEPT_REFUSED_END);

/**
 * Deletes up to `max` finished mail rows past `before` (deleteFinished, by `sentAt`). Mail ends
 * within 3 days of being queued (lib/mail/worker.ts GIVE_UP_AFTER_MS), and what reads finished rows
 * back looks no further than that: the hourly ceiling of lock mails, the lifts a newer block's notice
 * names, the request_closed already queued (lib/mail/render.ts). Pages read the block's history
 * (notice sent is a BlockEvent), never this table.
 */
export const deleteFinishedMail = (before: Date, now: Date, max = RETENTION_BATCH) =>
  deleteFinished(db.mailMessage, 'sentAt', before, now, max);

/**
 * One retention pass at `now` (default the shared clock, lib/server/clock.ts) with a retention of
 * `days` (default RETENTION_DAYS, lib/server/env.ts: 90, at least 7): event bodies cleared (at most
 * EVENT_BODY_BATCH), then event ids past max(days, EVENT_ID_MIN_KEEP_DAYS), finished switch
 * operations and finished mail deleted, and sessions expired more than SESSION_KEEP_EXPIRED_MS
 * before `now` (at most `max` each). Each step runs on its own: one that
 * fails (a statement timeout, a lock) is logged and the others go on. Counts what it did in
 * tollgate_retention_deleted_total{table} and tollgate_retention_event_bodies_cleared_total, and
 * returns it.
 */
export async function retentionPass(
  opts: { now?: Date; days?: number; max?: number; cursor?: EventCursor } = {},
): Promise<RetentionCounts> {
  const now = opts.now ?? sharedNow();
  const max = opts.max ?? RETENTION_BATCH;
  const cut = retentionCutoffs(now, opts.days ?? env().RETENTION_DAYS);
  const step = async (name: string, run: () => Promise<number>): Promise<number> => {
    try {
      return await run();
    } catch (e) {
      log().error({ worker: 'retention', step: name, err: errorForLog(e) }, 'retention step failed');
      return 0;
    }
  };
  const counts: RetentionCounts = {
    eventBodiesCleared: await step('event-bodies', () =>
      clearEventBodies(cut.finished, Math.min(max, EVENT_BODY_BATCH), opts.cursor),
    ),
    events: await step('events', () => deleteOldEvents(cut.eventIds, max)),
    switchOperations: await step('switch-operations', () =>
      deleteFinishedSwitchOperations(cut.finished, now, max),
    ),
    mail: await step('mail', () => deleteFinishedMail(cut.finished, now, max)),
    sessions: await step('sessions', () => deleteExpiredSessions(cut.sessions, max)),
  };
  const tables: [RetentionTable, number][] = [
    ['SwitchEvent', counts.events],
    ['SwitchOperation', counts.switchOperations],
    ['MailMessage', counts.mail],
    ['Session', counts.sessions],
  ];
  for (const [table, n] of tables) countRetentionDeleted(table, n);
  countEventBodiesCleared(counts.eventBodiesCleared);
  if (Object.values(counts).some((n) => n > 0)) log().info({ retention: counts }, 'retention pass');
  return counts;
}
