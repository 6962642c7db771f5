import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { BlockEventType, BlockReason } from '@/lib/generated/sqlite/enums';
import { isPostgres, txExecute, txQuery, type Tx } from '@/lib/server/db';
import { newRowId } from '@/lib/server/row-id';
import { sharedNow } from '@/lib/server/clock';
import { hostAddress } from '@/lib/geo/ip-country';

// The statements of a switch event's hot path (lib/blocks/lifecycle.ts `applySwitchEvent`) that
// Prisma's model API costs most on. Measured (issue 14, goal 5): the query API runs its query
// compiler for every `createMany` (its plan cache skips createMany), so a 2-row `createMany` cost
// about twice a raw multi-row INSERT; a read followed by an insert or an update costs two statements where one upsert does.
// They run through `txQuery`/`txExecute` (lib/server/db.ts): on SQLite straight on the
// transaction's connection, without Prisma's per-query pipeline (about 150 µs a statement, measured
// in the fifth pass of bench/README.md), on PostgreSQL on the pg adapter's transaction (eighth pass).
// Only lib/blocks/lifecycle.ts calls these, inside its transaction under the account's lock.

// An enum value goes into the SQL text as a literal (PostgreSQL casts a literal to the column's
// enum, not a text parameter); the values are the schema's identifiers, never input.
const enumLiteral = (v: string) => {
  if (!/^[a-z_]+$/.test(v)) throw new Error(`not an enum value: ${v}`);
  return Prisma.raw(`'${v}'`);
};

/** What a switch event needs of the account it locked (lib/blocks/lifecycle.ts `applySwitchEvent`). */
export type EventAccount = {
  id: string;
  number: string;
  /** The account's switch clock after the lock: the later of its previous value and the event's time. */
  switchChangedAt: Date;
  /** The account's country (how its people dial), as stored: lib/phone/plan.ts `accountCountry`. */
  country: string | null;
  /** When the portal last applied a switch change to the account (shared clock), after the lock; null: never. */
  switchAppliedAt: Date | null;
};

type Row = {
  id: string;
  number: string;
  switchChangedAt: Date | string | number;
  country: string | null;
  switchAppliedAt: Date | string | number | null;
};

/** The row ids of this path's raw INSERTs (lib/server/row-id.ts). */
export { newRowId };

/**
 * Takes the account's lock (as `lockAccount` in lib/server/db/lock.ts: the row's write lock, held to
 * the end of the transaction) by the account's number, and in the same statement moves the
 * account's switch clock (`switchChangedAt`) to `at` unless it is already later, and then stamps
 * `switchAppliedAt` with the portal's now on the shared clock (lib/server/clock.ts sharedNow: the
 * reconciler, on this instance or another, compares it with its read time on that clock). A duplicate or an older event leaves both as they were: a switch resending an event
 * whose answer it lost must not keep postponing the reconciler (a stale placement that is applied
 * stamps it in lib/blocks/lifecycle.ts). One round trip
 * instead of a lock, a read and an update of the clock. Only the locked row may be read here: on
 * PostgreSQL (READ COMMITTED) an UPDATE that waited for the lock re-reads that row, but a subquery
 * on another table still sees the snapshot from before the wait (PostgreSQL manual, 13.2.1), so
 * other rows (queued lifts) are read by statements of their own after this one.
 *
 * Returns the account's id, number, country and its clock after the move, or null
 * when no account has that number (nothing was locked or changed). The clock is never moved back,
 * so it ends later than `at` exactly when the event is older than the account's last change (the
 * ordering rule in lib/blocks/lifecycle.ts). Moving it before the event is known to be new is safe:
 * an event already applied moved it at least to `at`, an older event leaves it as it was, and a
 * failed transaction rolls it back.
 *
 * SQL: `UPDATE … RETURNING`, PostgreSQL and SQLite ≥ 3.35. The dates are bound as
 * Prisma binds them for its own writes (SQLite stores the same ISO-8601 text, so text order is time
 * order; PostgreSQL compares timestamps).
 */
export async function lockAccountForEvent(
  tx: Tx,
  accountNumber: string,
  at: Date,
): Promise<EventAccount | null> {
  const rows = await txQuery<Row>(
    tx,
    Prisma.sql`
    UPDATE "CustomerAccount"
    SET "switchChangedAt" = CASE
      WHEN "switchChangedAt" IS NULL OR "switchChangedAt" < ${at} THEN ${at}
      ELSE "switchChangedAt" END,
      "switchAppliedAt" = CASE
      WHEN "switchChangedAt" IS NULL OR "switchChangedAt" < ${at} THEN ${sharedNow()}
      ELSE "switchAppliedAt" END
    WHERE "number" = ${accountNumber}
    RETURNING "id", "number", "switchChangedAt", "country", "switchAppliedAt"`,
  );
  const row = rows[0];
  if (!row) return null;
  return {
    id: row.id,
    number: row.number,
    // PostgreSQL returns a Date; SQLite's raw result may be the stored text.
    switchChangedAt: new Date(row.switchChangedAt),
    country: row.country,
    switchAppliedAt: row.switchAppliedAt === null ? null : new Date(row.switchAppliedAt),
  };
}

/**
 * Stores an event's inbox row (CONTRACTS §4: the raw body verbatim), or claims the row a copy of the
 * event left unfinished (`received`, `unknown_account`): one upsert, `INSERT … ON CONFLICT DO UPDATE
 * … WHERE … RETURNING`, instead of a read, then an insert or an update. A claimed row keeps its
 * body and receivedAt; it takes `status` and processedAt. Only a row holding the very bytes of
 * `row.body` is claimed: a row stored under the id with other bytes (another event under a reused
 * id, or the same event serialised again) is left as it is, and the caller reads it to tell which
 * (lib/blocks/lifecycle.ts applySwitchEvent compares the JSON; since 2026-12-07, before which a
 * `received` row was claimed whatever its body, and a concurrent delivery of another event under the
 * id was applied over it). Returns true when this transaction now owns the event (stored or
 * claimed), false when a row with its id is already done (`processed`, `rejected`) or holds other
 * bytes. `status` is `processed` (the caller applies the event in the same transaction) or
 * `received` (it waits for the switch's state). On PostgreSQL a concurrent transaction writing the
 * same id makes this one wait for it, then see its row (the conflict's WHERE is checked against that
 * row's committed version: PostgreSQL manual, INSERT, "ON CONFLICT Clause").
 */
export async function claimInboxRow(
  tx: Tx,
  row: InboxClaim,
  status: 'processed' | 'received',
  now = new Date(),
): Promise<boolean> {
  const claimed = await txQuery<{ id: string }>(tx, claimSql(row, status, now));
  return claimed.length === 1;
}

type InboxClaim = { id: string; type: string; accountNumber: string; body: string };

function claimSql(row: InboxClaim, status: 'processed' | 'received', now: Date) {
  // The status is a literal in the SQL text (PostgreSQL casts a literal, not a text parameter, to the enum).
  return Prisma.sql`
    INSERT INTO "SwitchEvent" ("id", "type", "accountNumber", "body", "receivedAt", "status", "processedAt")
    VALUES (${row.id}, ${row.type}, ${row.accountNumber}, ${row.body}, ${now}, ${enumLiteral(status)},
      ${status === 'processed' ? now : null})
    ON CONFLICT ("id") DO UPDATE SET "status" = excluded."status", "processedAt" = excluded."processedAt"
    WHERE "SwitchEvent"."status" IN ('received', 'unknown_account') AND "SwitchEvent"."body" = excluded."body"
    RETURNING "id"`;
}

/**
 * `claimInboxRow`, then, when `account` is given and the row was claimed, `readAfterLock` of it:
 * what a new block needs, for the statements' cost of one on PostgreSQL (the read is a `UNION ALL`
 * after the claim's data-modifying CTE; both see what committed before the statement began, which
 * is after the lock: the rule of `readAfterLock`), two on SQLite. `after` is null when the row was
 * not claimed (a duplicate) or no account was given.
 */
export async function claimAndReadAfterLock(
  tx: Tx,
  row: InboxClaim,
  status: 'processed' | 'received',
  account: { id: string; number: string } | null,
  now = new Date(),
): Promise<{ claimed: boolean; after: AfterLock | null }> {
  if (!account || !isPostgres()) {
    const claimed = await claimInboxRow(tx, row, status, now);
    return { claimed, after: claimed && account ? await readAfterLock(tx, account) : null };
  }
  const rows = await txQuery<AfterLockRow>(
    tx,
    Prisma.sql`WITH "c" AS (${claimSql(row, status, now)})
    SELECT 'claim' AS "k", "id", NULL::integer AS "attempts", NULL AS "email" FROM "c"
    UNION ALL ${afterLockSql(account)}`,
  );
  const claimed = rows.some((r) => r.k === 'claim');
  return { claimed, after: claimed ? afterLock(rows) : null };
}

/** What a new block needs to know of its account once the lock is held (`readAfterLock`). */
export type AfterLock = {
  /** The account's queued lifts: `lift` operations still `pending`. */
  lifts: { id: string; attempts: number }[];
  /** The account's members who receive mail (not disabled). */
  members: { id: string; email: string }[];
  /**
   * Whether an open block (active or lift_pending) the reconciler placed from the switch's state
   * (placedBy `switch`, no source event) exists: only then can the event be that block's
   * (lib/blocks/lifecycle.ts foundByReconciler, which compares the times).
   */
  reconciledBlock: boolean;
  /**
   * Whether the account has a destination allowance requested, sending or active, or a removal the
   * switch refused (a failed DELETE with `stillListed`, on the (accountNumber, status) index): only
   * then has a new block any to end or to ask the switch again to remove (lib/allowances/operations.ts
   * endAllowancesWithBlock).
   */
  allowances: boolean;
  /**
   * Whether Tollgate placed a block on the switch that an event may echo: a manual block or a
   * re-apply still waiting for the switch's answer and sent at least once (`attempts` > 0), or an
   * open block with a `placed` timeline row not by the switch (support's block, or a re-apply the
   * switch confirmed). Only then can the event be the switch's report of Tollgate's own change
   * (lib/blocks/lifecycle.ts ownPlacement, which then compares the event's reason, calls and time
   * with that placement's: an event that differs is a block of its own).
   */
  ownPlacement: boolean;
};

/**
 * Reads, after the account's lock, its queued lifts (by account number), its members who receive
 * mail (not disabled), and whether it has a block the reconciler placed, an allowance a new block
 * ends, or a placement of Tollgate's own the event may echo (AfterLock): one statement (`UNION ALL`, plain SQL on both databases) instead of one read
 * each, so an event on an account with neither costs no further read for them (on PostgreSQL each
 * read is a round trip). It must run after `lockAccountForEvent` returned, never inside it: on
 * PostgreSQL (READ COMMITTED) a statement sees what committed before it started, so a lift queued by
 * a transaction the lock waited for is seen here (tests/integration/event-sql.test.ts).
 */
export async function readAfterLock(tx: Tx, account: { id: string; number: string }): Promise<AfterLock> {
  return afterLock(await txQuery<AfterLockRow>(tx, afterLockSql(account)));
}

type AfterLockRow = { k: string; id: string | null; attempts: number | bigint | null; email: string | null };

function afterLockSql(account: { id: string; number: string }) {
  return Prisma.sql`
    SELECT 'lift' AS "k", o."id", o."attempts", NULL AS "email" FROM "SwitchOperation" o
    WHERE o."accountNumber" = ${account.number} AND o."kind" = 'lift' AND o."status" = 'pending'
    UNION ALL
    SELECT 'member' AS "k", u."id", NULL AS "attempts", u."email" FROM "User" u
    JOIN "Membership" m ON m."userId" = u."id"
    WHERE m."accountId" = ${account.id} AND u."disabled" = false
    UNION ALL
    SELECT 'reconciled' AS "k", NULL AS "id", NULL AS "attempts", NULL AS "email"
    WHERE EXISTS (SELECT 1 FROM "Block" b WHERE b."accountId" = ${account.id}
      AND b."status" IN ('active', 'lift_pending') AND b."placedBy" = 'switch' AND b."sourceEventId" IS NULL)
    UNION ALL
    SELECT 'allowance' AS "k", NULL AS "id", NULL AS "attempts", NULL AS "email"
    WHERE EXISTS (SELECT 1 FROM "DestinationAllowance" d WHERE d."accountId" = ${account.id}
      AND d."status" IN ('requested', 'sending', 'active'))
    OR EXISTS (SELECT 1 FROM "SwitchOperation" f WHERE f."accountNumber" = ${account.number}
      AND f."status" = 'failed' AND f."kind" = 'allowance_delete' AND f."payload" LIKE '%"stillListed"%')
    UNION ALL
    SELECT 'own' AS "k", NULL AS "id", NULL AS "attempts", NULL AS "email"
    WHERE EXISTS (SELECT 1 FROM "SwitchOperation" p WHERE p."accountNumber" = ${account.number}
      AND p."kind" IN ('block', 'reapply') AND p."status" = 'pending' AND p."attempts" > 0)
    OR EXISTS (SELECT 1 FROM "Block" t JOIN "BlockEvent" e ON e."blockId" = t."id"
      WHERE t."accountId" = ${account.id} AND t."status" IN ('active', 'lift_pending')
      AND e."type" = 'placed' AND e."actor" <> 'switch')`;
}

function afterLock(rows: AfterLockRow[]): AfterLock {
  const out: AfterLock = {
    lifts: [],
    members: [],
    reconciledBlock: false,
    allowances: false,
    ownPlacement: false,
  };
  for (const r of rows) {
    if (r.k === 'lift') out.lifts.push({ id: r.id!, attempts: Number(r.attempts) });
    else if (r.k === 'member') out.members.push({ id: r.id!, email: r.email! });
    else if (r.k === 'reconciled') out.reconciledBlock = true;
    else if (r.k === 'allowance') out.allowances = true;
    else if (r.k === 'own') out.ownPlacement = true;
  }
  return out;
}

export type BlockEventRow = {
  blockId: string;
  type: BlockEventType;
  at: Date;
  actor: string;
  detail?: string | null;
};

/** Block timeline rows in one INSERT, in the given order; ids are random UUIDs. */
export async function insertBlockEvents(tx: Tx, rows: BlockEventRow[]): Promise<void> {
  if (!rows.length) return;
  await txExecute(tx, blockEventsSql(rows));
}

function blockEventsSql(rows: BlockEventRow[]) {
  const values = rows.map(
    (r) =>
      Prisma.sql`(${newRowId()}, ${r.blockId}, ${enumLiteral(r.type)}, ${r.at}, ${r.actor}, ${r.detail ?? null})`,
  );
  return Prisma.sql`INSERT INTO "BlockEvent" ("id", "blockId", "type", "at", "actor", "detail") VALUES ${Prisma.join(values)}`;
}

/**
 * The host a stored call came from, as TriggerCall.sourceHost keeps it (migration 0037; until
 * 2026-12-07 in lib/blocks/trigger-calls.ts, moved beside the one INSERT that writes it): its
 * `sourceIp` as stored (lib/blocks/trigger-calls.ts readTriggerCalls) through lib/geo/ip-country.ts
 * hostAddress, i.e. the canonical address; for the IPv6 form of a tunnel or a translator, the IPv4
 * address it carries (6to4 RFC 3056, NAT64 RFC 6052, SIIT RFC 6145, Teredo RFC 4380):
 * `2002:b9dc:6505::1` → `185.220.101.5`; for any other IPv6 address, its /64 network. Text the
 * switch sent that is no address is its own host, as stored. Registrations are compared with this
 * (lib/blocks/suspects.ts), as lib/devices/registrations.ts flagsFor compares them with the calls: a
 * second cracked credential registered from 185.220.101.5 was not recorded for calls reported from
 * its 6to4 form, and the block lifted while the attacker held that password (2026-12). The page and
 * the notice still show `sourceIp`, as the switch reported it. Pure; never throws.
 */
export function callHost(sourceIp: string): string {
  return hostAddress(sourceIp) ?? sourceIp;
}

export type TriggerCallRow = {
  at: Date;
  sipUsername: string;
  to: string;
  sourceIp: string;
  durationSec: number;
};

/**
 * Rows per INSERT of trigger calls on SQLite: 8 bound values a row keeps a statement far below
 * SQLite's 32,766 variables.
 */
const CALLS_PER_INSERT = 1000;
/**
 * Trigger calls in PostgreSQL's one statement that places a block: 8 bound values a call, 40,000 at
 * most, below the 65,535 bind parameters of its wire protocol (a `Bind` message counts them in 16
 * bits; more fail the whole statement). The calls past them follow in INSERTs of CALLS_PER_INSERT.
 */
const CALLS_IN_BLOCK_STATEMENT = 5000;

/**
 * The id of the trigger call at `position` (0-based) of the list the switch sent: 32 lowercase hex
 * digits as newRowId's, the first 8 the position. The pages order a block's calls by time, then id
 * (lib/blocks/call-overview.ts): a switch writes times to the second, and calls of a fraud burst
 * share one, so with random ids those read in a random order instead of the switch's. Random in
 * its other 24 digits (about 90 bits), unique as newRowId is. `position` < 16^8 (MAX_STORED_CALLS).
 */
export function triggerCallId(position: number): string {
  return position.toString(16).padStart(8, '0') + newRowId().slice(8);
}

/**
 * A block's trigger calls (read by lib/blocks/trigger-calls.ts) in INSERTs of at most 1,000 rows;
 * ids are triggerCallId's, `from` the position of `calls[0]` in the switch's list. Each row's
 * `sourceHost` is its address's host (callHost), written here, the one
 * writer of the switch's calls, so that no caller can leave it out.
 */
export async function insertTriggerCalls(
  tx: Tx,
  blockId: string,
  calls: TriggerCallRow[],
  from = 0,
): Promise<void> {
  for (let i = 0; i < calls.length; i += CALLS_PER_INSERT)
    await txExecute(tx, triggerCallsSql(blockId, calls.slice(i, i + CALLS_PER_INSERT), from + i));
}

function triggerCallsSql(blockId: string, calls: TriggerCallRow[], from: number) {
  const values = calls.map(
    (c, i) =>
      Prisma.sql`(${triggerCallId(from + i)}, ${blockId}, ${c.at}, ${c.sipUsername}, ${c.to}, ${c.sourceIp}, ${callHost(c.sourceIp)}, ${c.durationSec})`,
  );
  return Prisma.sql`INSERT INTO "TriggerCall" ("id", "blockId", "at", "sipUsername", "to", "sourceIp", "sourceHost", "durationSec")
    VALUES ${Prisma.join(values)}`;
}

export type NewBlock = {
  id: string;
  accountId: string;
  reason: BlockReason;
  placedAt: Date;
  placedBy: string;
  sourceEventId: string;
  /** Calls the event listed beyond those stored (lib/blocks/trigger-calls.ts); 0 when absent. */
  callsNotKept?: number;
};

/**
 * A new `active` block with its trigger calls, its first timeline rows and, when given, the audit
 * row that records it (`auditInsert` of lib/audit/log.ts) and `also`, further single INSERTs of the
 * same change that do not read it (the block notice's mail rows, lib/mail/queue.ts mailInsert).
 * PostgreSQL: one statement (the block, its calls, the audit row and `also` in data-modifying CTEs,
 * each run once to completion, whose foreign keys are checked at the end of the statement), then one
 * INSERT per 1,000 calls past the first 5,000; SQLite, which has no INSERT in a CTE: four
 * (`insertTriggerCalls`, one more per 1,000 calls past the first 1,000, `insertBlockEvents`, the
 * audit row) and one per `also`. The id is the caller's (a random UUID, like the other rows of this
 * path).
 */
export async function insertBlock(
  tx: Tx,
  b: NewBlock,
  calls: TriggerCallRow[],
  events: Omit<BlockEventRow, 'blockId'>[],
  audit?: Prisma.Sql,
  also: Prisma.Sql[] = [],
): Promise<void> {
  const block = Prisma.sql`INSERT INTO "Block" ("id", "accountId", "reason", "status", "placedAt", "placedBy", "sourceEventId", "callsNotKept", "createdAt")
    VALUES (${b.id}, ${b.accountId}, ${enumLiteral(b.reason)}, 'active', ${b.placedAt}, ${b.placedBy}, ${b.sourceEventId}, ${b.callsNotKept ?? 0}, ${sharedNow()})`;
  const rows = events.map((e) => ({ ...e, blockId: b.id }));
  if (!isPostgres()) {
    await txExecute(tx, block);
    await insertTriggerCalls(tx, b.id, calls);
    await insertBlockEvents(tx, rows);
    if (audit) await txExecute(tx, audit);
    for (const sql of also) await txExecute(tx, sql);
    return;
  }
  const parts = [Prisma.sql`"b" AS (${block})`];
  const first = calls.slice(0, CALLS_IN_BLOCK_STATEMENT);
  if (first.length) parts.push(Prisma.sql`"c" AS (${triggerCallsSql(b.id, first, 0)})`);
  if (audit) parts.push(Prisma.sql`"a" AS (${audit})`);
  also.forEach((sql, i) => parts.push(Prisma.sql`${Prisma.raw(`"x${i}"`)} AS (${sql})`));
  await txExecute(tx, Prisma.sql`WITH ${Prisma.join(parts)} ${blockEventsSql(rows)}`);
  await insertTriggerCalls(tx, b.id, calls.slice(CALLS_IN_BLOCK_STATEMENT), CALLS_IN_BLOCK_STATEMENT);
}
