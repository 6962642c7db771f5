import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db } from '@/lib/server/db';
import type { BlockReason, BlockStatus } from '@/lib/generated/sqlite/enums';
import { unsettledStateOf } from '@/lib/accounts/unsettled';

/** Scope clause: the account is one of the user's (STYLE.md: authorize inside the query). */
export const memberOf = (userId: string) => ({ memberships: { some: { userId } } });

export type AccountSummary = {
  id: string;
  number: string;
  name: string;
  /**
   * The account's newest open block (`active` or `lift_pending`), or null; `since` is when the oldest
   * open block was placed (when international calling stopped; each block's shown time, the earlier
   * of placedAt and its createdAt: lib/blocks/shown-placed-at.ts) and `inForce` how many are open.
   */
  activeBlock: {
    id: string;
    reason: BlockReason;
    status: BlockStatus;
    placedAt: Date;
    since: Date;
    inForce: number;
  } | null;
  /**
   * Support's manual block is on its way to the switch: a switch operation of kind `block`
   * (lib/blocks/manual.ts) still `pending`, neither confirmed nor refused. The switch may already
   * hold it (an answer that came after the portal's time limit is re-sent until one comes in time),
   * so while it waits the page must not say calling is allowed. A block exists in the portal (and
   * `activeBlock` shows it) only once the switch confirms; a refusal ends the wait with no block.
   */
  blockOnItsWay: boolean;
  credentials: {
    id: string;
    username: string;
    label: string;
    passwordChangedAt: Date | null;
    passwordScore: number | null;
    /**
     * The credential's latest password change has no answer from the switch yet, or never got one
     * (lib/credentials/change-state.ts `awaitsSwitchAnswer`): `passwordChangedAt` may no longer be what the
     * switch has, and the page says so.
     */
    unsettled: boolean;
    /**
     * Why that change's answer is not known, while `unsettled` (lib/credentials/change-state.ts
     * unknownCause): `error_answer` when the switch answered with an error, `no_answer` otherwise
     * (no answer came, or none yet); null when settled. The page words each its own way.
     */
    unsettledCause: 'no_answer' | 'error_answer' | null;
    /**
     * While `unsettled` because the switch answered that change by asking Tollgate to wait (a 429 or
     * 503 with Retry-After): from when a new password can be set (lib/credentials/change-state.ts
     * busyUntilOf, the time the reset page names too). Absent otherwise.
     */
    unsettledBusyUntil?: Date;
  }[];
};

/** One row per (account, SIP credential) of the summary read; the credential's columns are null when it has none. */
export type SummaryRow = {
  id: string;
  number: string;
  name: string;
  blockId: string | null;
  reason: BlockReason | null;
  status: BlockStatus | null;
  placedAt: Date | string | number | null;
  since: Date | string | number | null;
  inForce: number | bigint | null;
  /** 1 while a manual block waits for the switch (AccountSummary `blockOnItsWay`), else 0. */
  blockOnItsWay: number | bigint | null;
  credentialId: string | null;
  username: string | null;
  label: string | null;
  passwordChangedAt: Date | string | number | null;
  passwordScore: number | bigint | null;
} & LatestChangeRow;

/**
 * 1 while support's manual block on the account is on its way to the switch (a `pending` change of
 * kind `block`), else 0, for a statement whose account row is aliased `a`: one probe of the
 * SwitchOperation (accountNumber, status) index (migration 0033). A CASE, not a bare EXISTS, so both
 * databases return an integer. The switch may already hold such a block (an answer later than the
 * timeout is sent again), so no page says calling is allowed meanwhile.
 */
export const BLOCK_ON_ITS_WAY = Prisma.sql`CASE WHEN EXISTS (SELECT 1 FROM "SwitchOperation" s
        WHERE s."accountNumber" = a."number" AND s."status" = 'pending' AND s."kind" = 'block')
        THEN 1 ELSE 0 END`;

/**
 * The latest password change of the SIP credential aliased `c` that the switch did not refuse
 * (status not `failed`: lib/credentials/reset.ts latestChange), as `p`: a LEFT JOIN, one probe of
 * the SipPasswordChange `credentialId` index per credential row, in the statement that reads the
 * credentials (no statement more). With LATEST_CHANGE_COLUMNS, for unsettledStateOf
 * (lib/accounts/unsettled.ts): the dashboard's summary read and the block page's credential read.
 */
export const LATEST_CHANGE_JOIN = Prisma.sql`LEFT JOIN "SipPasswordChange" p ON p."id" = (
      SELECT q."id" FROM "SipPasswordChange" q WHERE q."credentialId" = c."id" AND q."status" <> 'failed'
      ORDER BY q."createdAt" DESC LIMIT 1)`;

/** The columns of LATEST_CHANGE_JOIN's change `p`, as LatestChangeRow names them. */
export const LATEST_CHANGE_COLUMNS = Prisma.sql`p."status" AS "lastChange", p."switchConfirmedAt" AS "lastChangeConfirmedAt",
      p."error" AS "lastChangeError", p."completedAt" AS "lastChangeCompletedAt"`;

/** A row's LATEST_CHANGE_COLUMNS: all null when the credential has no change that was not refused. */
export type LatestChangeRow = {
  lastChange: string | null;
  lastChangeConfirmedAt: Date | string | number | null;
  /** That change's stored switch error (SipPasswordChange `error`), for unknownCause. */
  lastChangeError: string | null;
  /** When that change's answer came (SipPasswordChange `completedAt`), for busyUntilOf. */
  lastChangeCompletedAt: Date | string | number | null;
};

/** The UnsettledState (lib/accounts/unsettled.ts) of a row read with LATEST_CHANGE_COLUMNS. */
export const unsettledOfRow = (r: LatestChangeRow) =>
  unsettledStateOf(
    r.lastChange === null
      ? null
      : {
          status: r.lastChange,
          switchConfirmedAt: r.lastChangeConfirmedAt,
          error: r.lastChangeError,
          completedAt: r.lastChangeCompletedAt,
        },
  );

/**
 * The columns of a SummaryRow, for a statement whose account row is aliased `a` and that joins
 * SUMMARY_JOINS: the account, its newest open block (`b`) with when calling stopped and how many
 * blocks are open, whether support's manual block waits for the switch (BLOCK_ON_ITS_WAY), and each
 * SIP credential (`c`) with its latest change that did not fail (`p`).
 */
export const SUMMARY_COLUMNS = Prisma.sql`a."id", a."number", a."name",
      b."id" AS "blockId", b."reason", b."status", b."placedAt",
      (SELECT MIN(CASE WHEN o."createdAt" < o."placedAt" THEN o."createdAt" ELSE o."placedAt" END) FROM "Block" o
        WHERE o."accountId" = a."id" AND o."status" IN ('active', 'lift_pending')) AS "since",
      (SELECT COUNT(*) FROM "Block" o
        WHERE o."accountId" = a."id" AND o."status" IN ('active', 'lift_pending')) AS "inForce",
      ${BLOCK_ON_ITS_WAY} AS "blockOnItsWay",
      c."id" AS "credentialId", c."username", c."label", c."passwordChangedAt", c."passwordScore",
      ${LATEST_CHANGE_COLUMNS}`;

/** The joins SUMMARY_COLUMNS reads, after the account row `a` (one row per credential, or one with none). */
export const SUMMARY_JOINS = Prisma.sql`LEFT JOIN "Block" b ON b."id" = (
      SELECT o."id" FROM "Block" o
      WHERE o."accountId" = a."id" AND o."status" IN ('active', 'lift_pending')
      ORDER BY o."placedAt" DESC LIMIT 1)
    LEFT JOIN "SipCredential" c ON c."accountId" = a."id"
    ${LATEST_CHANGE_JOIN}`;

/**
 * The user's accounts (all, or the one numbered `number`) with the latest open block of each and its
 * SIP credentials, in one statement: accounts by number, credentials by username. Prisma's SQLite
 * client reads every relation of an `include` with a query of its own (three for this shape, issue
 * 14, bench/README.md "pages"). Scoped inside the query: it starts from the user's memberships (one
 * row per account: Membership is unique by user and account), so it reads only their accounts; an
 * `EXISTS` membership test per account made SQLite walk every account of the provider (94 ms at
 * 100 000 accounts against 3–4 ms, sqlite3 on the staff bench's database).
 * Enum values go into the SQL text as literals (PostgreSQL compares an enum column with a literal).
 */
async function summaries(userId: string, number?: string): Promise<AccountSummary[]> {
  const rows = await db.$queryRaw<SummaryRow[]>`
    SELECT ${SUMMARY_COLUMNS}
    FROM "Membership" m
    JOIN "CustomerAccount" a ON a."id" = m."accountId"
    ${SUMMARY_JOINS}
    WHERE m."userId" = ${userId}
      ${number === undefined ? Prisma.empty : Prisma.sql`AND a."number" = ${number}`}
    ORDER BY a."number" ASC, c."username" ASC`;
  return summariesOf(rows);
}

/** The AccountSummary list of SummaryRows (SUMMARY_COLUMNS) that come grouped by account, in the rows' order. */
export function summariesOf(rows: SummaryRow[]): AccountSummary[] {
  // SQLite's raw results may give a date as its stored text and an integer as a bigint.
  const date = (v: Date | string | number) => (v instanceof Date ? v : new Date(v));
  const out: AccountSummary[] = [];
  for (const r of rows) {
    let a = out.at(-1);
    if (!a || a.id !== r.id) {
      a = {
        id: r.id,
        number: r.number,
        name: r.name,
        activeBlock:
          r.blockId && r.reason && r.status && r.placedAt !== null
            ? {
                id: r.blockId,
                reason: r.reason,
                status: r.status,
                placedAt: date(r.placedAt),
                since: date(r.since ?? r.placedAt),
                inForce: Number(r.inForce ?? 1),
              }
            : null,
        blockOnItsWay: Number(r.blockOnItsWay ?? 0) === 1,
        credentials: [],
      };
      out.push(a);
    }
    if (r.credentialId)
      a.credentials.push({
        id: r.credentialId,
        username: r.username ?? '',
        label: r.label ?? '',
        passwordChangedAt: r.passwordChangedAt === null ? null : date(r.passwordChangedAt),
        passwordScore: r.passwordScore === null ? null : Number(r.passwordScore),
        ...unsettledOfRow(r),
      });
  }
  return out;
}

/** The user's accounts by number, each with its latest open block and its SIP credentials by username. */
export async function listAccountsForUser(userId: string): Promise<AccountSummary[]> {
  return summaries(userId);
}

/** One of the user's accounts by number, or null (the caller answers 404 either way). */
export async function getAccountForUser(userId: string, number: string): Promise<AccountSummary | null> {
  return (await summaries(userId, number))[0] ?? null;
}

/** What staff see of an account's people and phones: the `include` that loads it, and its view. */
export const staffAccountInclude = {
  memberships: { include: { user: { select: { email: true, name: true, disabled: true } } } },
  sipCredentials: { orderBy: { username: 'asc' as const } },
};

/**
 * An account as the staff pages show it (the request page and the account page): number, name,
 * country, time zone, members by email (each with `disabled`: a login support disabled still shows,
 * marked so), and SIP credentials without any secret.
 */
export function staffAccountView(a: {
  id: string;
  number: string;
  name: string;
  country: string;
  timeZone: string;
  memberships: { user: { email: string; name: string | null; disabled: boolean } }[];
  sipCredentials: { username: string; label: string; passwordChangedAt: Date | null }[];
}) {
  return {
    id: a.id,
    number: a.number,
    name: a.name,
    country: a.country,
    timeZone: a.timeZone,
    members: a.memberships.map((m) => ({
      email: m.user.email,
      name: m.user.name,
      disabled: m.user.disabled,
    })),
    credentials: a.sipCredentials.map((c) => ({
      username: c.username,
      label: c.label,
      passwordChangedAt: c.passwordChangedAt,
    })),
  };
}

/**
 * Number and name of the accounts with these ids, as a map by id; no statement when `ids` is empty.
 * For staff lists that show each row's account (sync issues, allowance requests): Prisma's `include`
 * runs its account read even for an empty list (`WHERE "id" IN (NULL)`), a round trip on every
 * staff home view while those lists are empty (bench/README.md, "staff", eighth pass). The caller
 * authorizes (these are not scoped to a member).
 */
export async function accountLabelsById(
  ids: string[],
): Promise<Map<string, { number: string; name: string }>> {
  if (!ids.length) return new Map();
  const rows = await db.customerAccount.findMany({
    where: { id: { in: [...new Set(ids)] } },
    select: { id: true, number: true, name: true },
  });
  return new Map(rows.map((a) => [a.id, { number: a.number, name: a.name }]));
}
