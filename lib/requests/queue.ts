import 'server-only';
import { displayEmail } from '@/lib/auth/email-address';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import { sharedNow } from '@/lib/server/clock';
import { db, isPostgres } from '@/lib/server/db';
import { encodeCursor } from '@/lib/staff/cursor';
import { cameBackOf } from './came-back';
import { claimInForce } from './claim-columns';
import { judge, markedCalls } from './evidence';
import type { QueueReason, QueueTaken } from './queue-filter';

/**
 * Requests per queue page. A support desk works the oldest first and opens one at a time; 25 is what
 * ticket consoles show by default, and rendering 100 (130 KB of HTML and 240 KB of RSC payload) was
 * most of a /staff view's time (bench/README.md, "staff").
 */
export const QUEUE_PAGE = 25;
/**
 * The queue's total is counted up to this many (one index range on (status, createdAt) in index
 * order, LIMIT cap + 1); past it the page says "more than 10 000", so a fraud wave never makes
 * every view count every pending request.
 */
export const QUEUE_COUNT_CAP = 10_000;

// The evidence of a pending request (its calls' summary and, for a misdial request, its hint; a
// firewall request has none: evidence.ts judge) is a pure function of what does not change while it
// waits (its kind, its calls, what the customer wrote, the account's country and zone): judging it parses
// every trigger call with libphonenumber (≈ 0.3 ms a request), so each process judges a request once
// and keeps the answer, keyed by everything it reads. At most JUDGED_MAX entries, oldest dropped.
const JUDGED_MAX = 5000;
const judged = new Map<string, ReturnType<typeof judge>>();
function judgeOnce(r: Parameters<typeof judge>[0] & { id: string }, locale: string) {
  const key = JSON.stringify([
    locale,
    r.id,
    r.kind,
    r.intendedNumber,
    r.misdialCallIds,
    r.account.country,
    r.account.timeZone,
    r.block.reason,
    r.block.calls.map((c) => c.id),
    r.block.callCount,
  ]);
  let v = judged.get(key);
  if (!v) {
    v = judge(r, locale);
    judged.set(key, v);
    if (judged.size > JUDGED_MAX) judged.delete(judged.keys().next().value!);
  }
  return v;
}

/**
 * Which pending unblock requests a queue view lists: `account`, an account number ("ACC-1001": the
 * (accountId, createdAt) index); `kind` (the (status, kind, createdAt) index, migration 0025);
 * `reason`, the block's reason (each request's block read by its key as the index is walked);
 * `taken`, whether someone holds the request now (lib/requests/claim.ts): `no`, `mine` (the reader),
 * `yes` (anyone). Absent: no filter.
 */
export type UnblockQueueFilter = {
  account?: string;
  kind?: 'misdial' | 'firewall';
  reason?: QueueReason;
  taken?: QueueTaken;
};

/** A value compared with an enum column: PostgreSQL compares an enum with its own type, not with text. */
const enumValue = (value: string, type: 'RequestKind' | 'BlockReason') =>
  isPostgres() ? Prisma.sql`CAST(${value} AS ${Prisma.raw(`"${type}"`)})` : Prisma.sql`${value}`;

/**
 * The conditions (each `AND …`) that `f` adds to a statement over `"UnblockRequest" r`, for the reader
 * `userId` at `now` (a claim whose `claimedUntil` is at or before `now` has lapsed: nobody holds it).
 * Exported for the query-plan test.
 */
export function queueFilterSql(f: UnblockQueueFilter, userId: string, now: Date): Prisma.Sql {
  const and: Prisma.Sql[] = [];
  if (f.account)
    and.push(
      Prisma.sql`AND r."accountId" = (SELECT "id" FROM "CustomerAccount" WHERE "number" = ${f.account})`,
    );
  if (f.kind) and.push(Prisma.sql`AND r."kind" = ${enumValue(f.kind, 'RequestKind')}`);
  if (f.reason)
    and.push(
      Prisma.sql`AND EXISTS (SELECT 1 FROM "Block" b WHERE b."id" = r."blockId" AND b."reason" = ${enumValue(f.reason, 'BlockReason')})`,
    );
  if (f.taken === 'no') and.push(Prisma.sql`AND (r."claimedUntil" IS NULL OR r."claimedUntil" <= ${now})`);
  if (f.taken === 'yes') and.push(Prisma.sql`AND r."claimedUntil" > ${now}`);
  if (f.taken === 'mine') and.push(Prisma.sql`AND r."claimedById" = ${userId} AND r."claimedUntil" > ${now}`);
  return and.length ? Prisma.join(and, ' ') : Prisma.empty;
}

/**
 * One page of pending unblock requests, oldest first (createdAt, then id), each with its evidence
 * summarised and judged (`likelihood`, the misdial hint, is null for a firewall request: evidence.ts
 * judge). `after` is the decoded keyset cursor of the previous page (null = the
 * oldest page); `next` is the cursor of the following page or null. `opts` filters the requests
 * (UnblockQueueFilter: account, kind, block reason, taken or not);
 * `opts.pageSize` defaults to QUEUE_PAGE. `total` counts the pending requests of the same filter up
 * to QUEUE_COUNT_CAP (`opts.countCap` overrides it, for tests); `capped` is true when there are more. Country names in the summaries are in
 * `locale` (the page's, BCP 47; default "en"). `readAt` (ms epoch) is taken just after the read, for
 * the page's watch (queueChangesSince). Each item's `claim` is who holds it now
 * (`{ by, mine, since, until }`, `by` the agent's address as displayEmail shows it), or null; its
 * `cameBack`, when it is back after an approval whose lift did not happen (lib/requests/came-back.ts:
 * who approved, when, how the lift failed), else null. Its `allowancesWaiting`: the countries (ISO
 * 3166-1 alpha-2, oldest first) of its account's destination-allowance requests waiting for a
 * decision, [] for none: the agent who calls about the unblock request settles those on the same call
 * (approving a lift that leaves no block in force closes them without a decision).
 * Throws (assertStaff) for a caller who is not staff.
 */
export async function listQueue(
  user: CurrentUser,
  after: { at: Date; id: string } | null = null,
  locale = 'en',
  opts: UnblockQueueFilter & { pageSize?: number; countCap?: number } = {},
) {
  assertStaff(user);
  const size = opts.pageSize ?? QUEUE_PAGE;
  const cap = opts.countCap ?? QUEUE_COUNT_CAP;
  const claimNow = sharedNow();
  const [read, counted] = await queuePage(after, size, cap, queueFilterSql(opts, user.id, claimNow));
  const rows = await withWholeEvidence(read.slice(0, size));
  // Taken after the read: every request the read saw was created before it (createdAt is stamped
  // before its insert commits), so queueChangesSince never counts one shown as arrived. One stamped
  // before this and committed after the read is in neither count: queueChange says "changed" then.
  const readAt = Date.now();
  const now = Date.now();
  // Requests back after an approval whose lift did not happen: one read for the page, two when any
  // came back (after `readAt`, which says when the queue itself was read).
  const back = await cameBackOf(rows.map((r) => ({ id: r.id, blockId: r.block.id, createdAt: r.createdAt })));
  const items = rows.map((r) => {
    const { summary, likelihood } = judgeOnce(r, locale);
    const held = claimInForce(r, claimNow);
    return {
      id: r.id,
      kind: r.kind,
      createdAt: r.createdAt,
      ageSec: Math.max(0, Math.round((now - r.createdAt.getTime()) / 1000)),
      account: { number: r.account.number, name: r.account.name },
      block: { id: r.block.id, reason: r.block.reason, status: r.block.status },
      summary,
      likelihood,
      claim: held
        ? {
            by: displayEmail(r.claimedBy ?? held.byId),
            mine: held.byId === user.id,
            since: held.since,
            until: held.until,
          }
        : null,
      cameBack: back.get(r.id) ?? null,
      allowancesWaiting: r.allowances,
    };
  });
  const last = items[items.length - 1];
  const next = read.length > size && last ? encodeCursor([last.createdAt, last.id]) : null;
  const capped = counted > cap;
  return { items, total: capped ? cap : counted, capped, shown: items.length, next, readAt };
}

/**
 * The queue reads a block's first QUEUE_CALLS trigger calls; a block with more (a fraud wave's: up to
 * 10 000 stored, the rest counted in `callsNotKept`) also gets, here, the calls the customer marked
 * as the misdial that are not among those, and `callCount`, every call its event listed. So the
 * queue's summary ("5 000 calls… within 2 hr", the span running to the latest call, also read
 * here) and hint read what the request page reads where it decides most: the marked calls (the
 * digit rules) and the real count (the attempts rule); the hint's other rules read the calls read
 * (review, session 35: the queue judged a marked call it had not read, and said "200 calls"). Only
 * for the rows that need it.
 */
async function withWholeEvidence(
  rows: QueueRow[],
): Promise<(QueueRow & { block: { callCount?: number } })[]> {
  const big = rows.filter((r) => r.block.calls.length >= QUEUE_CALLS);
  if (big.length === 0) return rows;
  const blockIds = big.map((r) => r.block.id);
  const missing = big.flatMap((r) => {
    const read = new Set(r.block.calls.map((c) => c.id));
    return markedCalls(r.misdialCallIds).filter((id) => !read.has(id));
  });
  const select = {
    id: true,
    blockId: true,
    at: true,
    to: true,
    durationSec: true,
    sipUsername: true,
    sourceIp: true,
  };
  const [counts, marked, lastCalls] = await Promise.all([
    db.block.findMany({
      where: { id: { in: blockIds } },
      select: { id: true, callsNotKept: true, _count: { select: { calls: true } } },
    }),
    missing.length
      ? db.triggerCall.findMany({ where: { blockId: { in: blockIds }, id: { in: missing } }, select })
      : [],
    // Each block's latest call: the summary's span ("within 2 hr") runs to it.
    Promise.all(
      blockIds.map((blockId) =>
        db.triggerCall.findFirst({ where: { blockId }, orderBy: [{ at: 'desc' }, { id: 'desc' }], select }),
      ),
    ),
  ]);
  return rows.map((r) => {
    const c = counts.find((b) => b.id === r.block.id);
    if (!c) return r;
    const byId = new Map(r.block.calls.map((call) => [call.id, call]));
    for (const { blockId, ...call } of [...marked, ...lastCalls.filter((l) => l !== null)])
      if (blockId === r.block.id) byId.set(call.id, call);
    const calls = [...byId.values()].sort(
      (a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    return { ...r, block: { ...r.block, calls, callCount: c._count.calls + c.callsNotKept } };
  });
}

/** Trigger calls read per queued request (its block's first, by time). */
const QUEUE_CALLS = 200;

type QueueRow = {
  id: string;
  kind: 'misdial' | 'firewall';
  intendedNumber: string | null;
  misdialCallIds: string | null;
  createdAt: Date;
  claimedById: string | null;
  claimedAt: Date | null;
  claimedUntil: Date | null;
  /** The holder's address (claimedById's), as stored. */
  claimedBy: string | null;
  /** The countries of the account's allowance requests waiting for a decision (waitingAllowancesJson). */
  allowances: string[];
  account: { number: string; name: string; country: string; timeZone: string };
  block: {
    id: string;
    reason: 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
    status: string;
    calls: { id: string; at: Date; to: string; durationSec: number; sipUsername: string; sourceIp: string }[];
  };
};

// PostgreSQL gives a JSON timestamp without its zone; the columns hold UTC (Prisma's `timestamp(3)`).
// SQLite gives the text Prisma stored ("2026-12-01T13:05:53.368+00:00").
const jsonTime = (s: string) => new Date(isPostgres() ? `${s}Z` : s);

/**
 * The countries of the destination-allowance requests waiting for a decision (`requested`) of the
 * account whose id is `accountId` (a column of the enclosing statement), oldest first, as a JSON
 * array ('[]' for none): one range of the DestinationAllowance (accountId, status) index, a handful
 * of rows (one open request a country). Exported for the query-plan test.
 */
export function waitingAllowancesJson(accountId: Prisma.Sql): Prisma.Sql {
  const rows = Prisma.sql`FROM "DestinationAllowance" d WHERE d."accountId" = ${accountId} AND d."status" = 'requested'`;
  return isPostgres()
    ? Prisma.sql`COALESCE((SELECT json_agg(d."country" ORDER BY d."createdAt", d."id") ${rows}), '[]')`
    : Prisma.sql`json((SELECT json_group_array(d."country" ORDER BY d."createdAt", d."id") ${rows}))`;
}

/**
 * `listQueue`'s page (at most `size` + 1 pending requests after `after`, oldest first, each with its
 * account, block, first QUEUE_CALLS trigger calls, claim and its account's waiting allowance
 * requests' countries: waitingAllowancesJson) and its count capped at `cap` + 1, in one statement
 * with the JSON built in SQL (PostgreSQL's json_agg, SQLite's JSON1). Prisma's `findMany` with
 * includes and a `count` cost five round trips through Prisma and the driver adapter (bench/README.md,
 * "staff", eighth and tenth passes). The page is the (status, createdAt) index range (the
 * (accountId, createdAt) one for an account, the (status, kind, createdAt) one for a kind; `filter`:
 * queueFilterSql); the count walks the same index up to
 * `cap` + 1. On SQLite a Date parameter is bound as the text Prisma stores, so the keyset comparison
 * is the one Prisma's own queries make.
 */
async function queuePage(
  after: { at: Date; id: string } | null,
  size: number,
  cap: number,
  filter: Prisma.Sql,
): Promise<[QueueRow[], number]> {
  const afterKey = after
    ? Prisma.sql`AND r."createdAt" >= ${after.at} AND (r."createdAt" > ${after.at} OR r."id" > ${after.id})`
    : Prisma.empty;
  const page = Prisma.sql`
    SELECT r."id", r."kind", r."intendedNumber", r."misdialCallIds", r."createdAt", r."accountId", r."blockId",
      r."claimedById", r."claimedAt", r."claimedUntil"
    FROM "UnblockRequest" r WHERE r."status" = 'pending' ${filter} ${afterKey}
    ORDER BY r."createdAt", r."id" LIMIT ${size + 1}`;
  const count = Prisma.sql`
    SELECT count(*) FROM (SELECT 1 FROM "UnblockRequest" r WHERE r."status" = 'pending' ${filter}
      ORDER BY r."createdAt" LIMIT ${cap + 1}) n`;
  const [r] = isPostgres()
    ? await db.$queryRaw<{ counted: bigint; page: string }[]>`
    WITH p AS (${page})
    SELECT (${count}) AS "counted",
      (SELECT COALESCE(json_agg(json_build_object(
        'id', p."id", 'kind', p."kind", 'intendedNumber', p."intendedNumber",
        'misdialCallIds', p."misdialCallIds", 'createdAt', p."createdAt",
        'claimedById', p."claimedById", 'claimedAt', p."claimedAt", 'claimedUntil', p."claimedUntil",
        'claimedBy', (SELECT u."email" FROM "User" u WHERE u."id" = p."claimedById"),
        'allowances', ${waitingAllowancesJson(Prisma.sql`p."accountId"`)},
        'account', (SELECT json_build_object('number', a."number", 'name', a."name", 'country', a."country",
          'timeZone', a."timeZone") FROM "CustomerAccount" a WHERE a."id" = p."accountId"),
        'block', (SELECT json_build_object('id', b."id", 'reason', b."reason", 'status', b."status",
          'calls', COALESCE((SELECT json_agg(c ORDER BY c."at", c."id") FROM (
            SELECT c."id", c."at", c."to", c."durationSec", c."sipUsername", c."sourceIp" FROM "TriggerCall" c
            WHERE c."blockId" = b."id" ORDER BY c."at", c."id" LIMIT ${QUEUE_CALLS}) c), '[]'))
          FROM "Block" b WHERE b."id" = p."blockId")
      ) ORDER BY p."createdAt", p."id"), '[]')::text FROM p) AS "page"`
    : // SQLite: a value keeps its JSON subtype only within one expression, so each subquery's object
      // is passed through json() to be nested as an object rather than as a string.
      await db.$queryRaw<{ counted: bigint | number; page: string }[]>`
    WITH p AS (${page})
    SELECT (${count}) AS "counted",
      (SELECT json_group_array(json_object(
        'id', p."id", 'kind', p."kind", 'intendedNumber', p."intendedNumber",
        'misdialCallIds', p."misdialCallIds", 'createdAt', p."createdAt",
        'claimedById', p."claimedById", 'claimedAt', p."claimedAt", 'claimedUntil', p."claimedUntil",
        'claimedBy', (SELECT u."email" FROM "User" u WHERE u."id" = p."claimedById"),
        'allowances', ${waitingAllowancesJson(Prisma.sql`p."accountId"`)},
        'account', json((SELECT json_object('number', a."number", 'name', a."name", 'country', a."country",
          'timeZone', a."timeZone") FROM "CustomerAccount" a WHERE a."id" = p."accountId")),
        'block', json((SELECT json_object('id', b."id", 'reason', b."reason", 'status', b."status",
          'calls', json((SELECT json_group_array(json_object('id', c."id", 'at', c."at", 'to', c."to",
            'durationSec', c."durationSec", 'sipUsername', c."sipUsername", 'sourceIp', c."sourceIp")
            ORDER BY c."at", c."id") FROM (
            SELECT c."id", c."at", c."to", c."durationSec", c."sipUsername", c."sourceIp" FROM "TriggerCall" c
            WHERE c."blockId" = b."id" ORDER BY c."at", c."id" LIMIT ${QUEUE_CALLS}) c)))
          FROM "Block" b WHERE b."id" = p."blockId"))
      ) ORDER BY p."createdAt", p."id") FROM p) AS "page"`;
  const time = (s: unknown) => (typeof s === 'string' ? jsonTime(s) : null);
  const rows = (JSON.parse(r.page) as (QueueRow & { createdAt: string })[]).map((q) => ({
    ...q,
    createdAt: jsonTime(q.createdAt),
    claimedAt: time(q.claimedAt),
    claimedUntil: time(q.claimedUntil),
    block: {
      ...q.block,
      calls: q.block.calls.map((c) => ({ ...c, at: jsonTime(c.at as unknown as string) })),
    },
  }));
  return [rows, Number(r.counted)];
}

export type QueueItem = Awaited<ReturnType<typeof listQueue>>['items'][number];

/** One kind of waiting request as the queue's watch counts it (queueChangesSince, waitingCounts). */
export type WatchedKind = {
  /** Waiting now (unblock: `pending`; allowance: `requested`), counted up to the cap. */
  pending: number;
  /** Of those, sent after the page's read, up to the cap (0 from waitingCounts). */
  arrived: number;
  /** `pending` passed the cap: how many stopped waiting cannot be told from the counts. */
  capped: boolean;
  /** `arrived` passed the cap: the page says "more than 10,000", not "10,000". */
  arrivedCapped: boolean;
};

/**
 * What the queue's watch says changed since a page was read (queueChangesSince): each kind of request
 * the page lists, and the claims (lib/requests/claim.ts) other agents made or gave up meanwhile.
 */
export type QueueChanges = {
  /** Unblock requests (misdial and firewall). */
  unblock: WatchedKind;
  /** Destination-allowance requests. */
  allowance: WatchedKind;
  /**
   * Waiting requests of either kind that another agent took, or took over, after the read and holds
   * now (its `claimedAt` after it: a "keep it" keeps the start, so it is no new take), up to the cap;
   * `takenCapped` past it. The list's "Not taken" (or "Taken by you") on them is out of date.
   */
  taken: number;
  takenCapped: boolean;
  /**
   * Releases ("Release it") of either kind by other agents after the read, up to the cap, read from
   * their audit rows (`request.released`, `allowance.released`: written in the release's transaction;
   * a release leaves no mark on the request, whose claim columns it clears); `releasedCapped` past it.
   * The list's "Taken by …" on them is out of date.
   */
  released: number;
  releasedCapped: boolean;
};

/**
 * The watch's one statement: `count(*)` of each index range below, each up to `cap` + 1, as columns
 * of one row. `account`, an account number, scopes every count to that account (its id by a subquery,
 * so each count is one range of an index that starts with the account); absent, the whole queue.
 * With `watch` null only the two `pending` counts are made (waitingCounts). Indexes (both dialects):
 * waiting unblock requests and those sent since, UnblockRequest (status, createdAt) or (accountId,
 * createdAt); allowance requests, DestinationAllowance (status, createdAt) (0034) or (accountId,
 * status); taken since, the partial (status, claimedAt) index of each table (0034: only requests
 * taken now are in it); releases, AuditLog (action, at) or (accountId, at). Exported for the
 * query-plan test (tests/integration/desk-waiting.test.ts).
 */
export function watchStatement(
  account: string | undefined,
  watch: { since: Date; now: Date; userId: string } | null,
  cap: number,
): Prisma.Sql {
  const upTo = (from: Prisma.Sql) => Prisma.sql`(SELECT count(*) FROM (SELECT 1 ${from} LIMIT ${cap + 1}) n)`;
  const id = account ? Prisma.sql`(SELECT "id" FROM "CustomerAccount" WHERE "number" = ${account})` : null;
  const unblock = Prisma.sql`FROM "UnblockRequest" r WHERE r."status" = 'pending'${id ? Prisma.sql` AND r."accountId" = ${id}` : Prisma.empty}`;
  const allowance = Prisma.sql`FROM "DestinationAllowance" a WHERE a."status" = 'requested'${id ? Prisma.sql` AND a."accountId" = ${id}` : Prisma.empty}`;
  const pending = Prisma.sql`${upTo(unblock)} AS "unblockPending", ${upTo(allowance)} AS "allowancePending"`;
  if (!watch) return Prisma.sql`SELECT ${pending}`;
  const { since, now, userId } = watch;
  const takenBy = (t: 'r' | 'a') =>
    Prisma.sql`AND ${Prisma.raw(t)}."claimedAt" > ${since} AND ${Prisma.raw(t)}."claimedUntil" > ${now}
      AND ${Prisma.raw(t)}."claimedById" <> ${userId}`;
  const released = Prisma.sql`FROM "AuditLog" l WHERE l."action" IN ('request.released', 'allowance.released')
    AND l."at" > ${since}${id ? Prisma.sql` AND l."accountId" = ${id}` : Prisma.empty}
    AND (l."actorId" IS NULL OR l."actorId" <> ${userId})`;
  return Prisma.sql`SELECT ${pending},
    ${upTo(Prisma.sql`${unblock} AND r."createdAt" > ${since}`)} AS "unblockArrived",
    ${upTo(Prisma.sql`${allowance} AND a."createdAt" > ${since}`)} AS "allowanceArrived",
    ${upTo(Prisma.sql`${unblock} ${takenBy('r')}`)} AS "unblockTaken",
    ${upTo(Prisma.sql`${allowance} ${takenBy('a')}`)} AS "allowanceTaken",
    ${upTo(released)} AS "released"`;
}
type Counted = number | bigint;

/**
 * What changed in the queue (of one account, `account`, else the whole queue) since a page of it was
 * read at `since` (ms epoch as a Date; the page's `readAt`, this process's clock as every request's
 * `createdAt` is stamped), for the watch of that page (components/staff/queue-watch.tsx), which says
 * "1 new allowance request; 2 requests taken by other agents" instead of re-rendering a list the agent
 * is reading: QueueChanges, each count up to QUEUE_COUNT_CAP + 1 (`countCap` overrides it, for tests)
 * in one statement of index ranges (watchStatement), as cheap on every poll as the page's own counts.
 * "Taken by others" compares each claim's start (the shared clock, lib/server/clock.ts) with `since`;
 * NTP keeps the two within milliseconds. Throws (assertStaff) for a caller who is not staff.
 */
export async function queueChangesSince(
  user: CurrentUser | null,
  since: Date,
  account?: string,
  countCap = QUEUE_COUNT_CAP,
): Promise<QueueChanges> {
  assertStaff(user);
  const [r] = await db.$queryRaw<Record<string, Counted>[]>(
    watchStatement(account, { since, now: sharedNow(), userId: user.id }, countCap),
  );
  const kind = (pending: Counted, arrived: Counted): WatchedKind => ({
    pending: Math.min(Number(pending), countCap),
    arrived: Math.min(Number(arrived), countCap),
    capped: Number(pending) > countCap,
    arrivedCapped: Number(arrived) > countCap,
  });
  const taken = Number(r.unblockTaken) + Number(r.allowanceTaken);
  return {
    unblock: kind(r.unblockPending, r.unblockArrived),
    allowance: kind(r.allowancePending, r.allowanceArrived),
    taken: Math.min(taken, countCap),
    takenCapped: taken > countCap,
    released: Math.min(Number(r.released), countCap),
    releasedCapped: Number(r.released) > countCap,
  };
}

/**
 * How many requests of each kind wait (of one account, `account`, else the whole queue), counted up
 * to QUEUE_COUNT_CAP as queueChangesSince counts them (`capped` past it): what the page's watch starts
 * from (withQueueWatch). Throws (assertStaff) for a caller who is not staff.
 */
export async function waitingCounts(
  user: CurrentUser | null,
  account?: string,
): Promise<{
  unblock: { pending: number; capped: boolean };
  allowance: { pending: number; capped: boolean };
}> {
  assertStaff(user);
  const [r] = await db.$queryRaw<Record<string, Counted>[]>(watchStatement(account, null, QUEUE_COUNT_CAP));
  const of = (n: Counted) => ({
    pending: Math.min(Number(n), QUEUE_COUNT_CAP),
    capped: Number(n) > QUEUE_COUNT_CAP,
  });
  return { unblock: of(r.unblockPending), allowance: of(r.allowancePending) };
}

/**
 * A queue page's reads (`readLists`, the page's lists) with what its watch starts from: `read`, the
 * requests of each kind waiting (waitingCounts, of `account` or the whole queue), counted before the
 * lists are read, and `since` (ms epoch, this process's clock, as every request's `createdAt`), taken
 * after them. So a request sent while the page reads is either counted as arrived (queueChangesSince)
 * or makes the counts not add up ("the queue has changed"), never missed: counted first and read
 * last, or read last and counted with the lists, it would be in neither. Returns `{ watch, lists }`,
 * `lists` what `readLists` resolved to. Throws (assertStaff) for a caller who is not staff.
 */
export async function withQueueWatch<T>(
  user: CurrentUser | null,
  account: string | undefined,
  readLists: () => Promise<T>,
): Promise<{ watch: { since: number } & Awaited<ReturnType<typeof waitingCounts>>; lists: T }> {
  const read = await waitingCounts(user, account);
  const lists = await readLists();
  return { watch: { since: Date.now(), ...read }, lists };
}

/**
 * The oldest pending unblock request (createdAt, then id) that nobody holds now (lib/requests/claim.ts:
 * never taken, released, or lapsed), of `filter`'s kind and block reason if given: where "Next
 * request" leads an agent (lib/allowances/next.ts). `{ id, createdAt }`, or null when every waiting
 * request is taken or none waits. Read when the link is followed, not when it was drawn, so agents who
 * follow it one after another are each sent to one nobody has taken by then. Throws (assertStaff) for
 * a caller who is not staff.
 */
export async function oldestNotTaken(
  user: CurrentUser | null,
  filter: Pick<UnblockQueueFilter, 'kind' | 'reason'> = {},
): Promise<{ id: string; createdAt: Date } | null> {
  assertStaff(user);
  const where = queueFilterSql({ ...filter, taken: 'no' }, user.id, sharedNow());
  const [row] = await db.$queryRaw<{ id: string; createdAt: Date | string | number }[]>`
    SELECT r."id", r."createdAt" FROM "UnblockRequest" r WHERE r."status" = 'pending' ${where}
    ORDER BY r."createdAt", r."id" LIMIT 1`;
  return row ? { id: row.id, createdAt: new Date(row.createdAt) } : null;
}
