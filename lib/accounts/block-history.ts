import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { BlockReason, BlockStatus, RequestStatus } from '@/lib/generated/sqlite/enums';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { liftedHow, type LiftedHow } from '@/lib/blocks/ended';
import { blockPage, blocksAfterCursor, type BlockPage } from '@/lib/blocks/queries';
import { passwordChangedSince } from '@/lib/blocks/rotation';
import type { SuspectReason } from '@/lib/blocks/suspects';
import { readStored } from '@/lib/i18n/stored';
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
  /** When the portal recorded it (its own clock): the placed time shown is never after it (shownPlacedAt). */
  createdAt: Date;
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
  createdAt: Date | string | number;
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
    SELECT p."id", p."reason", p."status", p."placedAt", p."createdAt", p."liftedAt", p."liftedBy",
      (SELECT e."detail" FROM "BlockEvent" e WHERE e."blockId" = p."id" AND e."type" = 'lifted'
        ORDER BY e."at" DESC LIMIT 1) AS "liftNote",
      (SELECT COUNT(*) FROM "UnblockRequest" u WHERE u."blockId" = p."id") AS "requests",
      q."status" AS "requestStatus", q."decisionNote" AS "requestNote",
      (SELECT COUNT(*) FROM "Block" r WHERE r."accountId" = ${account}) AS "total",
      ${after === null ? Prisma.sql`0` : Prisma.sql`(SELECT COUNT(*) FROM ${blocks('r')})`} AS "remaining"
    FROM (
      SELECT o."id", o."reason", o."status", o."placedAt", o."createdAt", o."liftedAt", o."liftedBy"
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
    createdAt: asDate(r.createdAt),
    liftedAt: r.status === 'lifted' && r.liftedAt !== null ? asDate(r.liftedAt) : null,
    liftedHow: r.status === 'lifted' ? liftedHow(r.liftedBy, r.liftNote) : null,
    requests: Number(r.requests),
    latestRequest:
      r.requestStatus === null
        ? null
        : shownRequestStatus({ status: r.requestStatus, decisionNote: r.requestNote }),
  }));
}

// Staff: what an active block's automatic lift still waits for. A customer on the phone says "I changed
// my password, why am I still blocked?": the staff account page answers from here, not from the
// timeline or the audit log (which say it too, in other words, per event).

/** A SIP credential as a lift hold names it (lib/accounts/credential-name.ts names it in markup). */
export type HoldCredential = { id: string; username: string; label: string };

/**
 * One reason an active block's automatic lift waits (lib/blocks/policy.ts liftIfRotated, the rule of
 * DESIGN.md's re-enabling):
 * - `named`: a credential the block's trigger calls used, password not changed since the block;
 * - `unknown`: a name the calls used that is no SIP credential of the account (an IP-authenticated
 *   trunk): no password change can lift the block, a person must;
 * - `suspect`: a credential the calls did not use, seen registered from the calls' address
 *   (`trigger_ip`) or by a SIP scanning tool (`scanner`) from `sourceIp` (canonical), first at
 *   `firstSeenAt` (the portal's clock), password not changed since the block (lib/blocks/suspects.ts).
 */
export type LiftHold =
  | { kind: 'named'; credential: HoldCredential }
  | { kind: 'unknown'; username: string }
  | {
      kind: 'suspect';
      credential: HoldCredential;
      reason: SuspectReason;
      sourceIp: string;
      firstSeenAt: Date;
    };

/** What one active block's automatic lift waits for, as the staff account page shows it. */
export type LiftHolds = {
  /** Named ones first (by username), then names with no credential, then suspects, first seen first. */
  holds: LiftHold[];
  /**
   * The block's latest lift was withheld for suspect credentials (lib/blocks/lifecycle.ts
   * withholdLiftForSuspects: its latest `lift_requested` entry, by `switch`, with the note
   * history.liftWithheldSuspect): when (`at`, the portal's clock) and the credentials that note names,
   * as it named them then (`credentials`, "Fax line (fax-1001), …", and how many, `count`). Null
   * otherwise: a lift queued since writes a newer entry.
   */
  withheld: { at: Date; credentials: string; count: number } | null;
  /** The calls name at least one credential of the account and nothing holds: the customer's part is done. */
  allChanged: boolean;
};

type HoldRow = {
  blockId: string;
  kind: string;
  username: string | null;
  credentialId: string | null;
  label: string | null;
  changedAt: Date | string | number | null;
  blockCreatedAt: Date | string | number;
  sourceIp: string | null;
  at: Date | string | number | null;
  detail: string | null;
};

/**
 * The statement of liftHoldsForStaff: for the blocks `blockIds` of account `accountId` that are
 * `active`, three row kinds in one UNION ALL: each distinct name of the block's trigger calls with
 * its credential of the account, if any (`named`); each suspect credential (BlockSuspectCredential,
 * `kind` its reason); the block's latest `lift_requested` entry when the switch actor wrote it
 * (`withheld`, its note read by the caller). Every row carries the credential's passwordChangedAt
 * and the block's createdAt: whether a password changed since is passwordChangedSince's to say, not
 * the SQL's. The branches are in this order so that PostgreSQL types each column from a branch that
 * has one (a bare NULL is typed by the others). Every value is a parameter.
 */
export function liftHoldsSql(accountId: string, blockIds: readonly string[]) {
  const scope = Prisma.sql`b."accountId" = ${accountId} AND b."status" = 'active'
    AND b."id" IN (${Prisma.join([...blockIds])})`;
  return Prisma.sql`
    SELECT b."id" AS "blockId", 'named' AS "kind", t."sipUsername" AS "username", c."id" AS "credentialId",
      c."label" AS "label", c."passwordChangedAt" AS "changedAt", b."createdAt" AS "blockCreatedAt",
      NULL AS "sourceIp", NULL AS "at", NULL AS "detail"
    FROM "Block" b
    JOIN (SELECT DISTINCT x."blockId", x."sipUsername" FROM "TriggerCall" x
      WHERE x."blockId" IN (${Prisma.join([...blockIds])})) t ON t."blockId" = b."id"
    LEFT JOIN "SipCredential" c ON c."accountId" = b."accountId" AND c."username" = t."sipUsername"
    WHERE ${scope}
    UNION ALL
    SELECT b."id", CAST(s."reason" AS TEXT), c."username", c."id", c."label", c."passwordChangedAt",
      b."createdAt", s."sourceIp", s."firstSeenAt", NULL
    FROM "Block" b
    JOIN "BlockSuspectCredential" s ON s."blockId" = b."id"
    JOIN "SipCredential" c ON c."id" = s."credentialId" AND c."accountId" = b."accountId"
    WHERE ${scope}
    UNION ALL
    SELECT b."id", 'withheld', NULL, NULL, NULL, NULL, b."createdAt", NULL, e."at", e."detail"
    FROM "Block" b
    JOIN "BlockEvent" e ON e."id" = (SELECT l."id" FROM "BlockEvent" l
      WHERE l."blockId" = b."id" AND l."type" = 'lift_requested' ORDER BY l."at" DESC, l."id" DESC LIMIT 1)
    WHERE ${scope} AND e."actor" = 'switch'`;
}

/**
 * For the staff account page's Blocks section: what the automatic lift of each **active** block of
 * `blockIds` (the page's blocks) of account `accountId` still waits for (LiftHolds), by block id. A
 * credential counts while its password was not changed since the block (lib/blocks/rotation.ts
 * passwordChangedSince, as liftIfRotated and withholdLiftForSuspects read it); suspects are the ones
 * recorded (BlockSuspectCredential): what the rotation policy holds the lift for. A registration
 * this very view's device read finds is recorded by it (devicesForStaff), and the page reads these
 * again after it (liftHoldsAfterRead); the switch outbox reads the registrar again before it sends a
 * lift (lib/switch/outbox.ts).
 * A block `lift_pending` or `lifted` (a lift is on its way, or done), one of another account, or an
 * unknown id has no entry. Staff only (assertStaff: anyone else is refused, as the page's other
 * reads). One statement (liftHoldsSql), none with no block; rejects only when the database does.
 */
export async function liftHoldsForStaff(
  user: CurrentUser,
  accountId: string,
  blockIds: readonly string[],
): Promise<Map<string, LiftHolds>> {
  assertStaff(user);
  const out = new Map<string, LiftHolds>();
  if (blockIds.length === 0) return out;
  const rows = await db.$queryRaw<HoldRow[]>(liftHoldsSql(accountId, blockIds));
  const named = new Set<string>();
  for (const r of rows) {
    const entry = out.get(r.blockId) ?? { holds: [], withheld: null, allChanged: false };
    out.set(r.blockId, entry);
    const changed = passwordChangedSince(
      { passwordChangedAt: r.changedAt === null ? null : asDate(r.changedAt) },
      { createdAt: asDate(r.blockCreatedAt) },
    );
    const credential =
      r.credentialId !== null && r.username !== null
        ? { id: r.credentialId, username: r.username, label: r.label ?? '' }
        : null;
    if (r.kind === 'withheld') {
      const note = readStored(r.detail);
      if (r.at !== null && typeof note === 'object' && note?.key === 'history.liftWithheldSuspect')
        entry.withheld = {
          at: asDate(r.at),
          credentials: String(note.values?.credentials ?? ''),
          count: Number(note.values?.count ?? 1),
        };
    } else if (r.kind === 'named') {
      if (credential === null) entry.holds.push({ kind: 'unknown', username: r.username ?? '' });
      else {
        named.add(r.blockId);
        if (!changed) entry.holds.push({ kind: 'named', credential });
      }
    } else if (credential !== null && r.at !== null && !changed)
      entry.holds.push({
        kind: 'suspect',
        credential,
        reason: r.kind === 'scanner' ? 'scanner' : 'trigger_ip',
        sourceIp: r.sourceIp ?? '',
        firstSeenAt: asDate(r.at),
      });
  }
  const order = { named: 0, unknown: 1, suspect: 2 } as const;
  const key = (h: LiftHold) => (h.kind === 'unknown' ? h.username : h.credential.username);
  for (const [id, entry] of out) {
    entry.holds.sort(
      (a, b) =>
        order[a.kind] - order[b.kind] ||
        (a.kind === 'suspect' && b.kind === 'suspect'
          ? a.firstSeenAt.getTime() - b.firstSeenAt.getTime()
          : 0) ||
        key(a).localeCompare(key(b)),
    );
    entry.allChanged = named.has(id) && entry.holds.length === 0;
  }
  return out;
}

/**
 * liftHoldsForStaff once more, after `read` settles: the staff account page's switch read of every
 * credential (lib/devices/registrations.ts devicesForStaff), which records the suspects it sees
 * (recordSuspects). The page shows `first` (its holds read before the switch answered) and streams
 * these in, so a suspect that very read found is listed on the view that found it: an agent's first
 * view listed fewer passwords than the lift waited for, beside a devices section that flagged the
 * others (a tester, 2026-12-07). One statement more, after the switch read; `first` when no block is
 * active, and when the read or this statement fails (the page never breaks for it). Staff only.
 */
export async function liftHoldsAfterRead(
  user: CurrentUser,
  accountId: string,
  blockIds: readonly string[],
  read: Promise<unknown>,
  first: Map<string, LiftHolds>,
): Promise<Map<string, LiftHolds>> {
  assertStaff(user);
  if (blockIds.length === 0) return first;
  try {
    await read;
    return await liftHoldsForStaff(user, accountId, blockIds);
  } catch {
    return first;
  }
}
