import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db } from '@/lib/server/db';
import { encodeCursor } from '@/lib/staff/cursor';
import { readLiftPolicy } from './settings';

// Blocks whose customer did their part and that wait for a person: every SIP password named in every
// open block of the account, and every suspect one (seen registered from the calls' addresses or by a
// scanning tool: lib/blocks/suspects.ts), was changed after the block was placed (the rotation rule of
// lib/blocks/policy.ts liftIfRotated), and still nothing is lifted. That is a block whose reason the
// admins' policy says needs a person (lib/policy/settings.ts), or one held under a stricter policy
// than today's (a looser policy lifts nothing by itself). The staff home lists them for an agent to
// review and lift through the account page's lift form (lib/blocks/manual.ts liftBlockByStaff).
// Computed by a query, not a request kind: a new RequestKind value takes two releases
// (docs/operations.md "Upgrades and rollbacks").

/** Entries per page of the list, as the staff home's other lists. */
export const ROTATED_WAITING_PAGE = 25;
/** Up to this many are counted for the heading ("more than 10 000" beyond), as the other lists. */
export const ROTATED_WAITING_COUNT_CAP = 10_000;

/** One block waiting for a person, as the staff home shows it (a DTO: no note, no agent). */
export type RotatedWaitingItem = {
  id: string;
  reason: BlockReason;
  placedAt: Date;
  /** When the portal recorded it (its own clock): the placed time shown is never after it (shownPlacedAt). */
  createdAt: Date;
  /** When the last of the passwords the block named was changed: since then it waits for a person. */
  rotatedAt: Date | null;
  /** False when today's policy no longer asks a person for this reason: a stricter one held it. */
  needsPersonNow: boolean;
  account: { number: string; name: string };
};

type Row = {
  id: string;
  reason: BlockReason;
  placedAt: Date | string | number;
  createdAt: Date | string | number;
  rotatedAt: Date | string | number | null;
  number: string;
  name: string;
};

// SQLite's raw results give a date as its stored text (ISO 8601, as Prisma writes it); PostgreSQL a Date.
const asDate = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));

/**
 * The blocks of the list, as a common table expression `waiting` (id, reason, placedAt, createdAt, accountId,
 * rotatedAt): in force, on an account with no manual block in force (support's own: theirs already),
 * whose every block in force names at least one SIP credential, and every call of it names a
 * credential of the account whose password was changed after that block reached the portal
 * (`createdAt`, the portal's clock, as liftIfRotated compares: a call through a name with no password
 * here, an IP-authenticated trunk, can never be rotated, and such a block is not listed), and so was
 * every suspect credential of it (BlockSuspectCredential, `suspect`: liftIfRotated holds the lift
 * for them, so a block with one unchanged is not the customer's part done), and whose
 * latest lift the switch did not refuse (that block is under "Out of sync with the switch" already:
 * lib/blocks/lifecycle.ts refuseLift). `rotatedAt`: the latest of those changes, suspects' included. Set-based (joins and
 * groups over the blocks in force), not a test per block: in a fraud wave thousands are in force and
 * few are rotated, and per-block subqueries took 0.2–0.4 s on PostgreSQL for 5 000 of them. Dates
 * compare as stored: Prisma writes both sides (ISO 8601 text on SQLite, whose text order is time
 * order; timestamps on PostgreSQL).
 *
 * `open` holds only the blocks in force of accounts with a password changed after the oldest block in
 * force reached the portal (two index ranges, migration 0031, then each such account's blocks by
 * `Block(accountId, status, placedAt)`), not every block in force: an account without such a change has
 * no block whose named passwords were all changed after it, so leaving it out changes nothing, and
 * most blocks of a fraud wave are on such accounts. Walking every block in force took the staff home
 * from 32 to 48 ms p95 on SQLite and from 25 to 90 ms on PostgreSQL with the staff bench's 10 000
 * blocks in force once an admin had set the policy (bench/staff.ts queueLiftPolicy); the statement
 * alone, on that database without statistics: 16.8 → 0.6 ms with nothing rotated, 75 → 4.8 ms with
 * 500 accounts rotated.
 */
export const WAITING = Prisma.sql`WITH "open" AS (
    SELECT b."id", b."accountId", b."createdAt", b."placedAt", b."reason" FROM "Block" b
    WHERE b."accountId" IN (SELECT s."accountId" FROM "SipCredential" s
      WHERE s."passwordChangedAt" > (SELECT MIN(o."createdAt") FROM "Block" o WHERE o."status" = 'active'))
      AND b."status" = 'active'
  ), "named" AS (
    SELECT o."id", COUNT(c."id") AS "calls", COUNT(s."id") AS "rotated", MAX(s."passwordChangedAt") AS "rotatedAt"
    FROM "open" o
    LEFT JOIN "TriggerCall" c ON c."blockId" = o."id"
    LEFT JOIN "SipCredential" s ON s."username" = c."sipUsername" AND s."accountId" = o."accountId"
      AND s."passwordChangedAt" IS NOT NULL AND s."passwordChangedAt" > o."createdAt"
    GROUP BY o."id"
  ), "suspect" AS (
    SELECT o."id", COUNT(x."id") AS "suspects", COUNT(s."id") AS "rotated", MAX(s."passwordChangedAt") AS "rotatedAt"
    FROM "open" o
    JOIN "BlockSuspectCredential" x ON x."blockId" = o."id"
    LEFT JOIN "SipCredential" s ON s."id" = x."credentialId"
      AND s."passwordChangedAt" IS NOT NULL AND s."passwordChangedAt" > o."createdAt"
    GROUP BY o."id"
  ), "ready" AS (
    SELECT o."accountId" FROM "open" o JOIN "named" n ON n."id" = o."id"
    LEFT JOIN "suspect" x ON x."id" = o."id"
    GROUP BY o."accountId"
    HAVING SUM(CASE WHEN o."reason" <> 'manual' AND n."calls" > 0 AND n."rotated" = n."calls"
      AND COALESCE(x."rotated", 0) = COALESCE(x."suspects", 0) THEN 0 ELSE 1 END) = 0
  ), "waiting" AS (
    SELECT o."id", o."reason", o."placedAt", o."createdAt", o."accountId",
      CASE WHEN x."rotatedAt" IS NOT NULL AND x."rotatedAt" > n."rotatedAt" THEN x."rotatedAt" ELSE n."rotatedAt" END AS "rotatedAt"
    FROM "open" o JOIN "named" n ON n."id" = o."id" JOIN "ready" r ON r."accountId" = o."accountId"
    LEFT JOIN "suspect" x ON x."id" = o."id"
    WHERE COALESCE((SELECT e."actor" FROM "BlockEvent" e
      WHERE e."blockId" = o."id" AND e."type" = 'lift_requested'
      ORDER BY e."at" DESC LIMIT 1), '') <> 'switch'
  )`;

/**
 * The blocks waiting for a person after every password was changed, oldest placed first, `pageSize`
 * (ROTATED_WAITING_PAGE) a page after the keyset `after` (the last entry's placedAt and id: null for
 * the first page). Staff only (assertStaff's 404 otherwise). `total` counts them up to `countCap`
 * (`capped` beyond); `next` is the cursor of the next page (lib/staff/cursor.ts), null at the end.
 * Each entry says whether today's policy still asks a person for its reason (`needsPersonNow`).
 */
export async function rotatedWaitingForPerson(
  user: CurrentUser,
  after: { at: Date; id: string } | null = null,
  opts: { pageSize?: number; countCap?: number } = {},
) {
  assertStaff(user);
  const policy = await readLiftPolicy();
  // A policy never changed is the built-in one (only manual blocks need a person, and an account
  // with a manual block in force is not listed): the rotation that changes a block's last named
  // password lifts it in the same transaction (liftIfRotated), so nothing can wait here, and the
  // staff home does not walk every block in force on each load for an empty list (about 19 ms on
  // SQLite with the staff bench's 10 000 blocks in force).
  if (policy.updatedAt === null) return { total: 0, capped: false, next: null, items: [] };
  const size = opts.pageSize ?? ROTATED_WAITING_PAGE;
  const cap = opts.countCap ?? ROTATED_WAITING_COUNT_CAP;
  const keyset = after
    ? Prisma.sql`WHERE w."placedAt" > ${after.at} OR (w."placedAt" = ${after.at} AND w."id" > ${after.id})`
    : Prisma.empty;
  // One statement for the page and the count (the blocks in force are read once); a page past the
  // end (a cursor kept while the last entries were lifted) has no row to carry the count: counted alone.
  const count = Prisma.sql`SELECT COUNT(*) FROM (SELECT 1 FROM "waiting" LIMIT ${cap + 1}) x`;
  const rows = await db.$queryRaw<(Row & { total: number | bigint })[]>`${WAITING}
      SELECT w."id", w."reason", w."placedAt", w."createdAt", w."rotatedAt", a."number", a."name", (${count}) AS "total"
      FROM "waiting" w JOIN "CustomerAccount" a ON a."id" = w."accountId"
      ${keyset}
      ORDER BY w."placedAt" ASC, w."id" ASC
      LIMIT ${size + 1}`;
  const counted = rows.length
    ? rows[0]!.total
    : after
      ? ((await db.$queryRaw<{ n: number | bigint }[]>`${WAITING} SELECT (${count}) AS "n"`)[0]?.n ?? 0)
      : 0;
  const page = rows.slice(0, size);
  const last = page[page.length - 1];
  const n = Number(counted);
  return {
    total: Math.min(n, cap),
    capped: n > cap,
    next: rows.length > size && last ? encodeCursor([asDate(last.placedAt), last.id]) : null,
    items: page.map((r): RotatedWaitingItem => ({
      id: r.id,
      reason: r.reason,
      placedAt: asDate(r.placedAt),
      createdAt: asDate(r.createdAt),
      rotatedAt: r.rotatedAt === null ? null : asDate(r.rotatedAt),
      needsPersonNow: policy.needsPerson.has(r.reason),
      account: { number: r.number, name: r.name },
    })),
  };
}
