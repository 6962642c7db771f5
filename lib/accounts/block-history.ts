import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { BlockReason, BlockStatus, RequestStatus } from '@/lib/generated/sqlite/enums';
import { liftedHow, type LiftedHow } from '@/lib/blocks/ended';
import { blockPage, blocksAfterCursor, type BlockPage } from '@/lib/blocks/queries';
import { shownRequestStatus, type ShownRequestStatus } from '@/lib/requests/closed';
import { db } from '@/lib/server/db';
import { isRowId } from '@/lib/server/row-id';

// An account's past blocks for its members (DESIGN.md, People: the account holder "reads block
// status and history"): the account page's "Block history", every block of the account in any
// status, newest first, ten a page, each linking to its block page. Before it, a lifted block was
// reached only through an old email's link.

/** How many blocks the account page's history lists at a time (blockHistoryForUser). */
export const HISTORY_SHOWN = 10;

/** One block of the history, as the account page lists it (a DTO: no note, no agent). */
export type BlockHistoryItem = {
  id: string;
  reason: BlockReason;
  /** `active` (in force), `lift_pending` (in force until the switch confirms the lift) or `lifted`. */
  status: BlockStatus;
  /** When the switch placed it (the switch's clock). */
  placedAt: Date;
  /** When the switch's lift reached the portal; null while in force (and for a lift never dated). */
  liftedAt: Date | null;
  /** How it was lifted (liftedHow); null while it is in force. */
  liftedHow: LiftedHow | null;
  /** How many unblock requests were made for it (0: none). */
  requests: number;
  /** The latest one's status as the block page names it (lib/requests/closed.ts); null with none. */
  latestRequest: ShownRequestStatus | null;
};

/** A page of an account's block history (blockHistoryForUser): `total` 0 for an account never blocked. */
export type BlockHistory = BlockPage<BlockHistoryItem>;

type HistoryRow = {
  id: string;
  reason: BlockReason;
  status: BlockStatus;
  placedAt: Date | string | number;
  liftedAt: Date | string | number | null;
  liftedBy: string | null;
  liftNote: string | null;
  requests: number | bigint;
  requestStatus: RequestStatus | null;
  requestNote: string | null;
  total: number | bigint;
  remaining: number | bigint;
};

// SQLite's raw results may give a date as its stored text; PostgreSQL gives a Date.
const asDate = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));

/**
 * The statement of blockHistoryForUser (exported for its plan's test): a page of the blocks `o` of
 * the account numbered `number` after the cursor block `c` (lib/blocks/queries.ts blocksAfterCursor,
 * the block page's `?others=` keyset); for the listed rows only, the text of each one's latest
 * `lifted` entry (BlockEvent (blockId, at)), how many unblock requests it has and the latest one
 * (UnblockRequest (blockId)); `total` and `remaining` counted once each. Scoped in the statement:
 * the account's id comes from a scalar subquery that finds it only through `userId`'s membership
 * (NULL otherwise, which matches no block). A value, not a join, so that both databases read the
 * page from the newest entry of the Block (accountId, placedAt, id) index of migration 0035 and stop
 * after `shown`: joined to the account row, PostgreSQL cannot know the account is one, and sorted
 * every block of it. Only aliases are written into the text; every value is a parameter.
 */
export function blockHistorySql(userId: string, number: string, after: string | null, shown: number) {
  const account = Prisma.sql`(SELECT a."id" FROM "CustomerAccount" a
      JOIN "Membership" m ON m."accountId" = a."id" AND m."userId" = ${userId}
      WHERE a."number" = ${number})`;
  const blocks = (row: 'o' | 'r') => {
    const cursor = blocksAfterCursor(after, `${row}."accountId"`);
    return Prisma.sql`"Block" ${Prisma.raw(row)} ${cursor.join}
      WHERE ${Prisma.raw(row)}."accountId" = ${account} ${cursor.past(row)}`;
  };
  return Prisma.sql`
    SELECT p."id", p."reason", p."status", p."placedAt", p."liftedAt", p."liftedBy",
      (SELECT e."detail" FROM "BlockEvent" e WHERE e."blockId" = p."id" AND e."type" = 'lifted'
        ORDER BY e."at" DESC LIMIT 1) AS "liftNote",
      (SELECT COUNT(*) FROM "UnblockRequest" u WHERE u."blockId" = p."id") AS "requests",
      q."status" AS "requestStatus", q."decisionNote" AS "requestNote",
      (SELECT COUNT(*) FROM "Block" r WHERE r."accountId" = ${account}) AS "total",
      ${after === null ? Prisma.sql`0` : Prisma.sql`(SELECT COUNT(*) FROM ${blocks('r')})`} AS "remaining"
    FROM (
      SELECT o."id", o."reason", o."status", o."placedAt", o."liftedAt", o."liftedBy"
      FROM ${blocks('o')}
      ORDER BY o."placedAt" DESC, o."id" DESC
      LIMIT ${shown}
    ) p
    LEFT JOIN "UnblockRequest" q ON q."id" = (SELECT u."id" FROM "UnblockRequest" u
      WHERE u."blockId" = p."id" ORDER BY u."createdAt" DESC, u."id" DESC LIMIT 1)
    ORDER BY p."placedAt" DESC, p."id" DESC`;
}

/**
 * A page of the block history of the account numbered `number` (`/accounts/{number}`): its blocks in
 * any status, newest first, at most `shown` (HISTORY_SHOWN), each with its reason, status, when it
 * was placed and lifted, how it was lifted (liftedHow) and its unblock requests. Scoped inside the
 * statement: for an account `userId` is not a member of (another customer's, a staff login, a former
 * member), or an unknown number, the list is empty (`total` 0), as the page is a 404 then. `after`
 * (the URL's `?history=`) is the id of the last block of the previous page (keyset on placedAt then
 * id, as the block page's `?others=`): null, text that is no row id's shape (isRowId: it comes from
 * the URL, and a NUL made PostgreSQL refuse a read), or an id of no block of this account starts with
 * the newest; a page past the last (the cursor is the oldest block) gives the first page too, never
 * "no blocks" for an account that has some. One statement (blockHistorySql), a second only for that
 * page past the last. Rejects only when the database does.
 */
export async function blockHistoryForUser(
  userId: string,
  number: string,
  after: string | null = null,
  shown = HISTORY_SHOWN,
): Promise<BlockHistory> {
  const cursor = isRowId(after) ? after : null;
  const rows = await db.$queryRaw<HistoryRow[]>(blockHistorySql(userId, number, cursor, shown));
  if (rows.length === 0 && cursor !== null) return blockHistoryForUser(userId, number, null, shown);
  return blockPage(rows, cursor !== null, (r) => ({
    id: r.id,
    reason: r.reason,
    status: r.status,
    placedAt: asDate(r.placedAt),
    liftedAt: r.status === 'lifted' && r.liftedAt !== null ? asDate(r.liftedAt) : null,
    liftedHow: r.status === 'lifted' ? liftedHow(r.liftedBy, r.liftNote) : null,
    requests: Number(r.requests),
    latestRequest:
      r.requestStatus === null
        ? null
        : shownRequestStatus({ status: r.requestStatus, decisionNote: r.requestNote }),
  }));
}
