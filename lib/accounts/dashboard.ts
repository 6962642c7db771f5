import 'server-only';
import { Prisma } from '@/lib/generated/sqlite/client';
import { db, isPostgres } from '@/lib/server/db';
import {
  DASHBOARD_PAGE_SIZE,
  DASHBOARD_PAGED_ABOVE,
  type DashboardParams,
} from '@/lib/accounts/dashboard-params';
import {
  SUMMARY_COLUMNS,
  SUMMARY_JOINS,
  summariesOf,
  type AccountSummary,
  type SummaryRow,
} from '@/lib/accounts/queries';

/** What the dashboard shows for one view (lib/accounts/dashboard-params.ts): its accounts and its counts. */
export type DashboardView = {
  /** The accounts of this page: those needing the member's attention first (URGENCY), then by number. */
  accounts: AccountSummary[];
  /** All of the member's accounts. */
  total: number;
  /** Of them, those with a block in force (`active` or `lift_pending`): international calling stopped. */
  blocked: number;
  /** Of them, those that need the member's attention: the blocked ones and those URGENCY ranks 1. */
  attention: number;
  /** The accounts the filter and search keep (all of them when the view is not paged). */
  matching: number;
  /** More than DASHBOARD_PAGED_ABOVE accounts: the page shows counts, filter, search and pages. */
  paged: boolean;
  /** The page shown (1-based): the one asked for, or the last one when that is past the end. */
  page: number;
  /** How many pages `matching` makes (at least 1). */
  pages: number;
};

/**
 * How urgently an account needs its member, for the order of the dashboard: 0 while a block is in
 * force (`active`, or `lift_pending`: calling is still stopped), 1 when a SIP password change of
 * one of its credentials has no answer from the switch (`unsettled`: the rule of
 * lib/credentials/change-state.ts awaitsSwitchAnswer), 2 otherwise. A pending unblock request or
 * destination allowance request needs the member too, and exists only while a block is in force
 * (the lift closes them: lib/blocks/lifecycle.ts), so its account is already 0. Support's manual
 * block on its way to the switch (AccountSummary `blockOnItsWay`) asks nothing of the member and is
 * not known to be in force: it ranks as before (its card says it is coming), and the count of blocked
 * accounts does not include it until the switch confirms it.
 */
export function urgencyOf(a: Pick<AccountSummary, 'activeBlock' | 'credentials'>): 0 | 1 | 2 {
  if (a.activeBlock) return 0;
  return a.credentials.some((c) => c.unsettled) ? 1 : 2;
}

/**
 * urgencyOf in SQL, for the account row `a`: each test one probe of an index on the account (Block
 * (accountId, status); SipCredential (accountId), then each credential's latest change that did not
 * fail, as SUMMARY_JOINS reads it).
 */
const URGENCY = Prisma.sql`CASE
      WHEN EXISTS (SELECT 1 FROM "Block" o
        WHERE o."accountId" = a."id" AND o."status" IN ('active', 'lift_pending')) THEN 0
      WHEN EXISTS (SELECT 1 FROM "SipCredential" c JOIN "SipPasswordChange" p ON p."id" = (
            SELECT q."id" FROM "SipPasswordChange" q WHERE q."credentialId" = c."id" AND q."status" <> 'failed'
            ORDER BY q."createdAt" DESC LIMIT 1)
          WHERE c."accountId" = a."id"
            AND (p."status" = 'unknown' OR (p."status" = 'sending' AND p."switchConfirmedAt" IS NULL))) THEN 1
      ELSE 2 END`;

/**
 * "The account `x` has `q` in its number or its name", `q` being the typed search ('' matches every
 * account). A substring test (instr / strpos), not LIKE: nothing typed is a wildcard, and SQLite
 * prepares a statement again on every run whose LIKE pattern is a bound parameter (the LIKE
 * optimization depends on its value): such a statement took 0.56 ms instead of 0.06. Both sides go
 * through tollgate_fold, so case and accents are ignored ("pena" finds "PEÑA Telecom", "telefonica"
 * finds "Telefónica"), as in the staff search (lib/staff/search.ts): on PostgreSQL lower(unaccent())
 * (migration 0009), on SQLite the connection's function of the same name (tollgateFold,
 * lib/server/db/serialized-sqlite.ts), which SQLite's lower() was not: it folds A–Z only. The typed
 * search is folded once per statement (a deterministic function of a parameter); the columns once
 * per account of the member, and not at all when nothing is typed.
 */
function matches(q: string): Prisma.Sql {
  if (q === '') return Prisma.sql`1 = 1`;
  if (!isPostgres())
    return Prisma.sql`(instr(tollgate_fold(x."number"), tollgate_fold(${q})) > 0
          OR instr(tollgate_fold(x."name"), tollgate_fold(${q})) > 0)`;
  return Prisma.sql`(strpos(tollgate_fold(x."number"), tollgate_fold(${q})) > 0
          OR strpos(tollgate_fold(x."name"), tollgate_fold(${q})) > 0)`;
}

/** A row of the paged statement: a SummaryRow of the page (account columns null when it is empty) and the counts. */
type PagedRow = Omit<SummaryRow, 'id'> & {
  id: string | null;
  total: number | bigint;
  blocked: number | bigint;
  attention: number | bigint;
  matching: number | bigint;
  skip: number | bigint;
};

const SIZE = Prisma.raw(String(DASHBOARD_PAGE_SIZE));
const num = (v: number | bigint | null | undefined) => Number(v ?? 0);

/**
 * The dashboard of member `userId` for the view `p`. Scoped inside the query: each statement starts
 * from the member's memberships (Membership (userId, accountId)), so another member's account is
 * never read, counted or matched, and a search for its number finds nothing. Accounts always come
 * in urgency order (urgencyOf: blocked, then a password change the switch has not confirmed), then
 * by account number (unique: a stable order, no account on two pages); credentials by username.
 *
 * A member of up to DASHBOARD_PAGED_ABOVE accounts (nearly everyone): one statement, the summary
 * read of lib/accounts/queries.ts as it was, for at most DASHBOARD_PAGED_ABOVE + 1 of the member's
 * accounts, put in urgency order here. With the session's read a dashboard request is still two
 * statements (issue 14 goal 1, bench/README.md), planned and run as fast as before (one statement
 * that computed urgency, counts and pages for every member made a three-account read 0.2–0.5 ms
 * slower on PostgreSQL, mostly planning). `p` is ignored: the page has no filter, search or pages to undo
 * one with. When the read finds more accounts than that, pagedView reads the page asked for.
 */
export async function dashboardView(userId: string, p: DashboardParams): Promise<DashboardView> {
  const rows = await db.$queryRaw<SummaryRow[]>`
    SELECT ${SUMMARY_COLUMNS}
    FROM (SELECT m."accountId" FROM "Membership" m WHERE m."userId" = ${userId}
      LIMIT ${Prisma.raw(String(DASHBOARD_PAGED_ABOVE + 1))}) m
    JOIN "CustomerAccount" a ON a."id" = m."accountId"
    ${SUMMARY_JOINS}
    ORDER BY a."number", c."username"`;
  const accounts = summariesOf(rows);
  if (accounts.length > DASHBOARD_PAGED_ABOVE) return pagedView(userId, p);
  const urgency = new Map(accounts.map((a) => [a.id, urgencyOf(a)]));
  const count = (test: (u: number) => boolean) => [...urgency.values()].filter(test).length;
  return {
    // A stable sort: by number within each urgency.
    accounts: accounts.sort((x, y) => urgency.get(x.id)! - urgency.get(y.id)!),
    total: accounts.length,
    blocked: count((u) => u === 0),
    attention: count((u) => u < 2),
    matching: accounts.length,
    paged: false,
    page: 1,
    pages: 1,
  };
}

/**
 * The dashboard of a member of more than DASHBOARD_PAGED_ABOVE accounts, in one statement: the
 * accounts `p.show` and `p.q` keep (`attention`: urgency 0 or 1; account number or name contains
 * `q`), page `p.page` of them, DASHBOARD_PAGE_SIZE a page (offset paging: the order needs every
 * account's urgency anyway, so a keyset would save no work), and a page past the end gives the
 * last one. The counts (`total`, `blocked`, `attention`) are over all of the member's accounts: the
 * statement probes a few indexes per account (URGENCY) and returns one page of rows, so a poll of
 * /api/version/dashboard, which fingerprints this same view, transfers and hashes one page however
 * many accounts the member has. The CTEs are computed once each (MATERIALIZED: SQLite 3.35+,
 * PostgreSQL 12+); the page is outer-joined to the counts, so an empty page still returns them
 * (one row, account columns null).
 */
async function pagedView(userId: string, p: DashboardParams): Promise<DashboardView> {
  const attentionOnly = p.show === 'attention' ? 1 : 0;
  const offset = (p.page - 1) * DASHBOARD_PAGE_SIZE;
  const rows = await db.$queryRaw<PagedRow[]>`
    WITH mine AS MATERIALIZED (
      SELECT a."id", a."number", a."name", ${URGENCY} AS "urgency"
      FROM "Membership" m JOIN "CustomerAccount" a ON a."id" = m."accountId"
      WHERE m."userId" = ${userId}
    ), kept AS MATERIALIZED (
      SELECT x."id", x."number", x."name", x."urgency",
        ROW_NUMBER() OVER (ORDER BY x."urgency", x."number") AS "pos"
      FROM mine x
      WHERE (CAST(${attentionOnly} AS INTEGER) = 0 OR x."urgency" < 2) AND ${matches(p.q)}
    ), counts AS MATERIALIZED (
      SELECT (SELECT COUNT(*) FROM mine) AS "total",
        (SELECT COUNT(*) FROM mine WHERE "urgency" = 0) AS "blocked",
        (SELECT COUNT(*) FROM mine WHERE "urgency" < 2) AS "attention",
        (SELECT COUNT(*) FROM kept) AS "matching"
    ), here AS MATERIALIZED (
      SELECT n."total", n."blocked", n."attention", n."matching", CASE
        WHEN n."matching" = 0 THEN 0
        WHEN CAST(${offset} AS INTEGER) < n."matching" THEN CAST(${offset} AS INTEGER)
        ELSE ((n."matching" - 1) / ${SIZE}) * ${SIZE} END AS "skip"
      FROM counts n
    )
    SELECT h."total", h."blocked", h."attention", h."matching", h."skip", ${SUMMARY_COLUMNS}
    FROM here h
    LEFT JOIN kept a ON a."pos" > h."skip" AND a."pos" <= h."skip" + ${SIZE}
    ${SUMMARY_JOINS}
    ORDER BY a."pos", c."username"`;
  const head = rows[0];
  const matching = num(head?.matching);
  return {
    accounts: summariesOf(rows.filter((r): r is PagedRow & { id: string } => r.id !== null)),
    total: num(head?.total),
    blocked: num(head?.blocked),
    attention: num(head?.attention),
    matching,
    paged: true,
    page: Math.floor(num(head?.skip) / DASHBOARD_PAGE_SIZE) + 1,
    pages: Math.max(1, Math.ceil(matching / DASHBOARD_PAGE_SIZE)),
  };
}
