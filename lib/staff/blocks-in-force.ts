import 'server-only';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db, isPostgres } from '@/lib/server/db';
import { PENDING_SIGN_IN_TEXT } from '@/lib/staff/audit-detail';
import { encodeCursor } from '@/lib/staff/cursor';

// The support desk's list of blocks in force (`/staff/blocks`): in a fraud wave most blocked
// customers ask for nothing, or change one password of two and stop, and the staff home lists only
// requests. An agent calls the stuck and the silent from here, oldest first.
//
// Only `active` blocks. A `lift_pending` one has had its lift decided (the rotation, an approval, an
// agent) and queued for the switch: the customer's part is done and nobody needs to call them. A lift
// the switch is slow to confirm is on the staff home's "Changes still being sent" list
// (lib/staff/switch-waiting.ts); one it refuses puts the block back to `active` (listed here again)
// and under "Out of sync with the switch".

/** Entries per page, as the staff home's lists. */
export const BLOCKS_IN_FORCE_PAGE = 25;
/** The heading counts blocks in force up to this many ("more than 10 000" beyond), as the other lists. */
export const BLOCKS_IN_FORCE_COUNT_CAP = 10_000;

/** The list's filters, as the URL carries them (`?request=none&passwords=partly&order=newest`). */
export const REQUEST_FILTERS = ['none', 'open'] as const;
export const PASSWORD_FILTERS = ['none', 'partly', 'all', 'nothing'] as const;
export const ORDERS = ['oldest', 'newest'] as const;
/** The order of a URL that names none, left out of links (and of the filter form's URL). */
export const DEFAULT_ORDER = 'oldest' satisfies (typeof ORDERS)[number];
export type BlocksFilter = {
  /** `none`: no unblock request is waiting for the block; `open`: one is. */
  request?: (typeof REQUEST_FILTERS)[number];
  /** The automatic lift's progress (BlockProgress `kind`). */
  passwords?: (typeof PASSWORD_FILTERS)[number];
  /** `oldest` placed first (the default) or `newest`. */
  order?: (typeof ORDERS)[number];
};

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const pick = <T extends string>(all: readonly T[], v: string | undefined): T | undefined =>
  all.find((x) => x === v);

/**
 * The filters of a page's searchParams (`request`, `passwords`, `order`). A value that is not an
 * option (a hand-edited link) is left out, so the view is wider, never an error, and `bad` names it.
 */
export function readBlocksFilter(params: Record<string, string | string[] | undefined>): {
  filter: BlocksFilter;
  bad: string[];
} {
  const raw = { request: one(params.request), passwords: one(params.passwords), order: one(params.order) };
  const filter: BlocksFilter = {
    request: pick(REQUEST_FILTERS, raw.request),
    passwords: pick(PASSWORD_FILTERS, raw.passwords),
    order: pick(ORDERS, raw.order),
  };
  if (filter.order === DEFAULT_ORDER) delete filter.order; // the default: links stay short
  const bad = (['request', 'passwords', 'order'] as const).filter(
    (k) =>
      raw[k] !== undefined &&
      !pick<string>({ request: REQUEST_FILTERS, passwords: PASSWORD_FILTERS, order: ORDERS }[k], raw[k]),
  );
  const kept = Object.fromEntries(Object.entries(filter).filter(([, v]) => v)) as BlocksFilter;
  return { filter: kept, bad };
}

/** The filter as URL parameters (only those set, in a fixed order), for page links. */
export function blocksFilterParams(f: BlocksFilter): Record<string, string> {
  return Object.fromEntries(
    (['request', 'passwords', 'order'] as const).flatMap((k) => (f[k] ? [[k, f[k]]] : [])),
  );
}

/**
 * How far a block's automatic lift has come (DESIGN.md, "Re-enabling after a password reset"; the
 * rule of lib/blocks/policy.ts liftIfRotated, read as lib/accounts/block-history.ts liftHoldsForStaff
 * reads it for one account): the SIP credentials of the account that the block's trigger calls name
 * (`named`, distinct) and the suspect ones recorded for it (BlockSuspectCredential: not named by the
 * calls, seen registered from the calls' address or by a scanning tool), each counted changed when
 * its password was changed after the block reached the portal (lib/blocks/rotation.ts
 * passwordChangedSince: `passwordChangedAt` strictly after `Block.createdAt`, both the portal's clock).
 * `unknownNames`: names the calls used that are no credential of the account (an IP-authenticated
 * trunk): no password change lifts such a block. `kind`: `nothing` when no credential can be changed
 * (a manual block, or calls through unknown names only: a person must lift it); else `none` (not one
 * changed), `partly`, or `all` (every one changed: the lift is on its way, or the policy keeps it for
 * a person, or an unknown name holds it).
 */
export type BlockProgress = {
  kind: 'nothing' | 'none' | 'partly' | 'all';
  named: { changed: number; total: number };
  suspects: { changed: number; total: number };
  unknownNames: number;
};

/** One block in force as the list shows it (a DTO: no note, no agent). */
export type BlockInForceItem = {
  id: string;
  reason: BlockReason;
  /**
   * When it was placed, as shown (lib/blocks/shown-placed-at.ts: the switch's time, or when the
   * portal recorded it if that is earlier). The list's order and paging use the stored placedAt.
   */
  placedAt: Date;
  /** Seconds from placedAt to the read ("placed 3 hours ago"), 0 for a time ahead of the portal's clock. */
  ageSec: number;
  account: { number: string; name: string };
  progress: BlockProgress;
  /** The unblock request waiting for it (UnblockRequest.openKey), null for none. */
  openRequestId: string | null;
  /**
   * The latest completed sign-in of one of the account's customer logins since the block reached the
   * portal, from the audit log (`sign_in.success`, `mfa.verified`, `mfa.recovery_code_used`, as
   * lib/staff/customer-logins.ts reads a sign-in); null for none. Opening the block page is not
   * recorded anywhere, so a member already signed in who read it is not seen.
   */
  signedInAt: Date | null;
  /**
   * The account's customer logins (members of role customer, as `signedInAt` reads them). None: no
   * one can see or act on the block in the portal (no notice was emailed, no password can be changed
   * there, no request sent): support must call the customer.
   */
  logins: number;
};

export type BlocksInForcePage = {
  items: BlockInForceItem[];
  /** Every block in force (not only the filter's), up to BLOCKS_IN_FORCE_COUNT_CAP; `capped` beyond. */
  total: number;
  capped: boolean;
  /** The cursor of the next page (lib/staff/cursor.ts timeIdKey), null at the end. */
  next: string | null;
};

/** The audit actions that are a sign-in (lib/staff/customer-logins.ts SIGNED_IN and PASSED_FACTOR). */
const SIGN_INS = ['sign_in.success', 'mfa.verified', 'mfa.recovery_code_used'];
/**
 * Not a `sign_in.success` row whose two-factor code was still due (lib/staff/audit-detail.ts
 * PENDING_SIGN_IN_TEXT and signInStage, the one definition): that is no sign-in, its `mfa.verified`
 * is. The same case-sensitive substring test of the stored text as signInStage's `includes`, in the
 * database (`instr` on SQLite, `strpos` on PostgreSQL; SQLite's LIKE would fold case): a filter on
 * each row of a member's (actorId, at) range, no index of its own needed. `l` is the AuditLog alias.
 */
const notPendingSignIn = () => {
  const at = isPostgres()
    ? Prisma.sql`strpos(l."detail", ${PENDING_SIGN_IN_TEXT})`
    : Prisma.sql`instr(l."detail", ${PENDING_SIGN_IN_TEXT})`;
  return Prisma.sql`(l."detail" IS NULL OR l."action" <> 'sign_in.success' OR ${at} = 0)`;
};

// The four tests of a block `b` the filters and the rows share, each an EXISTS over one block's rows
// (TriggerCall (blockId, at), SipCredential (username) unique, BlockSuspectCredential (blockId, …)).
const changed = (b: string) => Prisma.raw(`s."passwordChangedAt" > ${b}."createdAt"`);
const notChanged = (b: string) =>
  Prisma.raw(`(s."passwordChangedAt" IS NULL OR s."passwordChangedAt" <= ${b}."createdAt")`);
const namedWhere = (b: string, test: Prisma.Sql) => Prisma.sql`EXISTS (SELECT 1 FROM "TriggerCall" t
    JOIN "SipCredential" s ON s."username" = t."sipUsername" AND s."accountId" = ${Prisma.raw(b)}."accountId"
    WHERE t."blockId" = ${Prisma.raw(b)}."id" AND ${test})`;
const suspectWhere = (
  b: string,
  test: Prisma.Sql,
) => Prisma.sql`EXISTS (SELECT 1 FROM "BlockSuspectCredential" x
    JOIN "SipCredential" s ON s."id" = x."credentialId" AND s."accountId" = ${Prisma.raw(b)}."accountId"
    WHERE x."blockId" = ${Prisma.raw(b)}."id" AND ${test})`;
const anyChanged = (b: string) =>
  Prisma.sql`(${namedWhere(b, changed(b))} OR ${suspectWhere(b, changed(b))})`;
const anyNotChanged = (b: string) =>
  Prisma.sql`(${namedWhere(b, notChanged(b))} OR ${suspectWhere(b, notChanged(b))})`;

/**
 * The conditions (each `AND …`) that `f` adds to a statement over `"Block" b`. `partly` and `all`
 * first keep the accounts with a password changed since the oldest block in force reached the portal
 * (SipCredential (passwordChangedAt), Block (status, createdAt): lib/policy/rotated-waiting.ts WAITING
 * does the same): in a wave few have one, and the walk then reads their blocks only.
 */
export function blocksFilterSql(f: BlocksFilter): Prisma.Sql {
  const and: Prisma.Sql[] = [];
  if (f.request === 'none')
    and.push(Prisma.sql`AND NOT EXISTS (SELECT 1 FROM "UnblockRequest" u WHERE u."openKey" = b."id")`);
  if (f.request === 'open')
    and.push(Prisma.sql`AND EXISTS (SELECT 1 FROM "UnblockRequest" u WHERE u."openKey" = b."id")`);
  const rotatedAccounts = Prisma.sql`AND b."accountId" IN (SELECT s."accountId" FROM "SipCredential" s
    WHERE s."passwordChangedAt" > (SELECT MIN(o."createdAt") FROM "Block" o WHERE o."status" = 'active'))`;
  if (f.passwords === 'none') and.push(Prisma.sql`AND ${anyNotChanged('b')} AND NOT ${anyChanged('b')}`);
  if (f.passwords === 'partly')
    and.push(Prisma.sql`${rotatedAccounts} AND ${anyChanged('b')} AND ${anyNotChanged('b')}`);
  if (f.passwords === 'all')
    and.push(Prisma.sql`${rotatedAccounts} AND ${anyChanged('b')} AND NOT ${anyNotChanged('b')}`);
  if (f.passwords === 'nothing')
    and.push(
      Prisma.sql`AND NOT EXISTS (SELECT 1 FROM "TriggerCall" t JOIN "SipCredential" s ON s."username" = t."sipUsername"
        AND s."accountId" = b."accountId" WHERE t."blockId" = b."id")
      AND NOT EXISTS (SELECT 1 FROM "BlockSuspectCredential" x WHERE x."blockId" = b."id")`,
    );
  return and.length ? Prisma.join(and, ' ') : Prisma.empty;
}

/**
 * The statement of listBlocksInForce (exported for its plan's test): the count of blocks in force up
 * to `cap` + 1 (Block (status, placedAt, id), the index alone), left-joined with the page: `size` + 1
 * blocks in force after the keyset `after` in `order`, filtered (blocksFilterSql), read from the
 * Block (status, placedAt, id) index of migration 0038 with no sort; then, for those rows only, each
 * one's account, progress counts, open request, latest member sign-in (AuditLog (actorId, at)) and
 * customer logins (Membership (accountId)).
 * Each member's sign-ins are read by its own (actorId, at) range: the action is compared as
 * `action || ''` so that SQLite, which has no statistics, does not walk every sign-in of the provider
 * since the block through the (action, at) index instead.
 * One row with a null `id` when the page is empty (it carries the count). Every value a parameter.
 */
export function blocksInForceSql(
  f: BlocksFilter,
  after: { at: Date; id: string } | null,
  size: number,
  cap: number,
) {
  const newest = f.order === 'newest';
  const dir = Prisma.raw(newest ? 'DESC' : 'ASC');
  const keyset = after
    ? newest
      ? Prisma.sql`AND b."placedAt" <= ${after.at} AND (b."placedAt" < ${after.at} OR b."id" < ${after.id})`
      : Prisma.sql`AND b."placedAt" >= ${after.at} AND (b."placedAt" > ${after.at} OR b."id" > ${after.id})`
    : Prisma.empty;
  const named = (test: Prisma.Sql) => Prisma.sql`(SELECT COUNT(*) FROM "SipCredential" s
      WHERE s."accountId" = p."accountId" AND ${test}
      AND s."username" IN (SELECT t."sipUsername" FROM "TriggerCall" t WHERE t."blockId" = p."id"))`;
  const suspects = (test: Prisma.Sql) => Prisma.sql`(SELECT COUNT(*) FROM "BlockSuspectCredential" x
      JOIN "SipCredential" s ON s."id" = x."credentialId" AND s."accountId" = p."accountId"
      WHERE x."blockId" = p."id" AND ${test})`;
  return Prisma.sql`
    SELECT n."total", p."id", p."reason", p."placedAt", p."createdAt", a."number", a."name",
      ${named(Prisma.sql`1 = 1`)} AS "namedTotal",
      ${named(changed('p'))} AS "namedChanged",
      ${suspects(Prisma.sql`1 = 1`)} AS "suspectsTotal",
      ${suspects(changed('p'))} AS "suspectsChanged",
      (SELECT COUNT(DISTINCT t."sipUsername") FROM "TriggerCall" t WHERE t."blockId" = p."id"
        AND NOT EXISTS (SELECT 1 FROM "SipCredential" s
          WHERE s."username" = t."sipUsername" AND s."accountId" = p."accountId")) AS "unknownNames",
      (SELECT u."id" FROM "UnblockRequest" u WHERE u."openKey" = p."id") AS "openRequestId",
      (SELECT MAX((SELECT MAX(l."at") FROM "AuditLog" l
          WHERE l."actorId" = m."userId" AND l."at" > p."createdAt"
            AND l."action" || '' IN (${Prisma.join(SIGN_INS)})
            AND ${notPendingSignIn()}))
        FROM "Membership" m JOIN "User" w ON w."id" = m."userId" AND w."role" = 'customer'
        WHERE m."accountId" = p."accountId") AS "signedInAt",
      (SELECT COUNT(*) FROM "Membership" m JOIN "User" w ON w."id" = m."userId" AND w."role" = 'customer'
        WHERE m."accountId" = p."accountId") AS "logins"
    FROM (SELECT COUNT(*) AS "total" FROM (SELECT 1 FROM "Block" c WHERE c."status" = 'active'
      LIMIT ${cap + 1}) k) n
    LEFT JOIN (
      SELECT b."id", b."accountId", b."reason", b."placedAt", b."createdAt" FROM "Block" b
      WHERE b."status" = 'active' ${keyset} ${blocksFilterSql(f)}
      ORDER BY b."placedAt" ${dir}, b."id" ${dir}
      LIMIT ${size + 1}
    ) p ON 1 = 1
    LEFT JOIN "CustomerAccount" a ON a."id" = p."accountId"
    ORDER BY p."placedAt" ${dir}, p."id" ${dir}`;
}

type Row = {
  total: number | bigint;
  id: string | null;
  reason: BlockReason;
  placedAt: Date | string | number;
  createdAt: Date | string | number;
  number: string;
  name: string;
  namedTotal: number | bigint;
  namedChanged: number | bigint;
  suspectsTotal: number | bigint;
  suspectsChanged: number | bigint;
  unknownNames: number | bigint;
  openRequestId: string | null;
  signedInAt: Date | string | number | null;
  logins: number | bigint;
};

// SQLite's raw results give a date as its stored text; PostgreSQL a Date.
const asDate = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));

/** BlockProgress of the four counts (see its docstring). */
export function progressOf(
  named: BlockProgress['named'],
  suspects: BlockProgress['suspects'],
  unknownNames: number,
): BlockProgress {
  const total = named.total + suspects.total;
  const done = named.changed + suspects.changed;
  const kind = total === 0 ? 'nothing' : done === 0 ? 'none' : done < total ? 'partly' : 'all';
  return { kind, named, suspects, unknownNames };
}

/**
 * A page of the blocks in force (status `active`), oldest placed first (or newest, `filter.order`),
 * `pageSize` (BLOCKS_IN_FORCE_PAGE) a page after the keyset `after` (the last entry's placedAt and id,
 * lib/staff/cursor.ts timeIdKey; null for the first page), filtered by `filter` (BlocksFilter). Each
 * entry: account, reason, when placed, the lift's progress (BlockProgress), the open unblock request,
 * the latest member sign-in since the block, how many customer logins the account has. `total` counts every block in force up to `countCap`
 * (BLOCKS_IN_FORCE_COUNT_CAP), not the filter's: a filtered count would walk every block in force.
 * One statement (blocksInForceSql) whatever the page holds. Staff only (assertStaff: a 404 for anyone
 * else). Rejects only when the database does.
 */
export async function listBlocksInForce(
  user: CurrentUser,
  filter: BlocksFilter = {},
  after: { at: Date; id: string } | null = null,
  opts: { pageSize?: number; countCap?: number } = {},
): Promise<BlocksInForcePage> {
  assertStaff(user);
  const size = opts.pageSize ?? BLOCKS_IN_FORCE_PAGE;
  const cap = opts.countCap ?? BLOCKS_IN_FORCE_COUNT_CAP;
  const rows = await db.$queryRaw<Row[]>(blocksInForceSql(filter, after, size, cap));
  const counted = Number(rows[0]?.total ?? 0);
  const read = rows.filter((r) => r.id !== null);
  const page = read.slice(0, size);
  const last = page[page.length - 1];
  const now = Date.now();
  return {
    total: Math.min(counted, cap),
    capped: counted > cap,
    next: read.length > size && last ? encodeCursor([asDate(last.placedAt), last.id!]) : null,
    items: page.map((r) => {
      // Shown as placed: never after the portal recorded it (a switch node's clock running fast).
      const placedAt = shownPlacedAt({ placedAt: asDate(r.placedAt), createdAt: asDate(r.createdAt) });
      return {
        id: r.id!,
        reason: r.reason,
        placedAt,
        ageSec: Math.max(0, Math.round((now - placedAt.getTime()) / 1000)),
        account: { number: r.number, name: r.name },
        progress: progressOf(
          { changed: Number(r.namedChanged), total: Number(r.namedTotal) },
          { changed: Number(r.suspectsChanged), total: Number(r.suspectsTotal) },
          Number(r.unknownNames),
        ),
        openRequestId: r.openRequestId,
        signedInAt: r.signedInAt === null ? null : asDate(r.signedInAt),
        logins: Number(r.logins),
      };
    }),
  };
}
