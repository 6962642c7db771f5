import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db, isPostgres } from '@/lib/server/db';
import { encodeCursor, numberKey } from './cursor';

const LIMIT = 25;

// LIKE's wildcards in what the agent typed are matched literally (backslash is the escape).
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);
// An FTS5 string: the query as one phrase, double quotes doubled (https://sqlite.org/fts5.html §3.1).
const ftsPhrase = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Ids of the accounts whose number, company name, member email or SIP username contains `q`,
 * ordered by account number, the `limit` after account number `after` ('' = from the start).
 *
 * SQLite: FTS5 trigram tables (migration 0009_search) for three characters or more; case and
 * diacritics ignored ("penalara" finds "Peñalara"). PostgreSQL: pg_trgm GIN indexes on
 * tollgate_fold(column) = lower(unaccent(column)), same behaviour. A two-character query has no
 * trigram, so it is answered by a scan (LIKE, case-insensitive, diacritics significant on SQLite).
 */
async function matchingAccounts(q: string, after: string, limit: number) {
  if (isPostgres()) {
    const like = likeEscape(q);
    // The pattern is an expression of the parameter (not a joined row), so each LIKE is a GIN index scan.
    return db.$queryRaw<{ id: string; number: string }[]>`
      WITH hit(id) AS (
        SELECT "id" FROM "CustomerAccount" WHERE tollgate_fold("number") LIKE '%' || tollgate_fold(${like}) || '%' OR tollgate_fold("name") LIKE '%' || tollgate_fold(${like}) || '%'
        UNION SELECT m."accountId" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
          WHERE tollgate_fold(u."email") LIKE '%' || tollgate_fold(${like}) || '%'
        UNION SELECT "accountId" FROM "SipCredential" WHERE tollgate_fold("username") LIKE '%' || tollgate_fold(${like}) || '%'
      )
      SELECT a."id", a."number" FROM "CustomerAccount" a JOIN hit ON hit."id" = a."id"
      WHERE a."number" > ${after} ORDER BY a."number" LIMIT ${limit}`;
  }
  if ([...q].length < 3) {
    const p = `%${likeEscape(q)}%`;
    return db.$queryRaw<{ id: string; number: string }[]>`
      WITH hit(id) AS (
        SELECT "id" FROM "CustomerAccount" WHERE "number" LIKE ${p} ESCAPE '\\' OR "name" LIKE ${p} ESCAPE '\\'
        UNION SELECT m."accountId" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
          WHERE u."email" LIKE ${p} ESCAPE '\\'
        UNION SELECT "accountId" FROM "SipCredential" WHERE "username" LIKE ${p} ESCAPE '\\'
      )
      SELECT a."id", a."number" FROM "CustomerAccount" a JOIN hit ON hit."id" = a."id"
      WHERE a."number" > ${after} ORDER BY a."number" LIMIT ${limit}`;
  }
  const m = ftsPhrase(q);
  return db.$queryRaw<{ id: string; number: string }[]>`
    WITH hit(id) AS (
      SELECT "id" FROM "CustomerAccount" WHERE rowid IN
        (SELECT rowid FROM "CustomerAccountSearch" WHERE "CustomerAccountSearch" MATCH ${m})
      UNION SELECT m."accountId" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
        WHERE u.rowid IN (SELECT rowid FROM "UserSearch" WHERE "UserSearch" MATCH ${m})
      UNION SELECT "accountId" FROM "SipCredential" WHERE rowid IN
        (SELECT rowid FROM "SipCredentialSearch" WHERE "SipCredentialSearch" MATCH ${m})
    )
    SELECT a."id", a."number" FROM "CustomerAccount" a JOIN hit ON hit."id" = a."id"
    WHERE a."number" > ${after} ORDER BY a."number" LIMIT ${limit}`;
}

/**
 * One page of accounts whose number, company name, member email or SIP username contains the query
 * (at least 2 characters; at most 100 are used), ordered by account number (unique, so it is its own
 * tiebreaker). `after` is the decoded cursor of the previous page (null = first page).
 * Returns `{ hits, next }`: at most 25 hits; `next` is the cursor of the following page or null.
 * Throws (assertStaff) for a caller who is not staff.
 */
export async function searchAccounts(
  user: CurrentUser,
  raw: string,
  after: { number: string } | null = null,
) {
  assertStaff(user);
  const q = raw.trim().slice(0, 100);
  if ([...q].length < 2) return { hits: [], next: null };
  const ids = await matchingAccounts(q, after?.number ?? '', LIMIT + 1);
  const rows = await db.customerAccount.findMany({
    where: { id: { in: ids.slice(0, LIMIT).map((r) => r.id) } },
    orderBy: { number: 'asc' },
    include: {
      blocks: {
        where: { status: { in: ['active', 'lift_pending'] } },
        select: { id: true, status: true, reason: true },
        take: 1,
        orderBy: { placedAt: 'desc' },
      },
      memberships: { select: { user: { select: { email: true } } }, take: 5 },
      sipCredentials: { select: { username: true }, take: 10 },
      _count: { select: { requests: { where: { status: 'pending' } } } },
    },
  });
  const hits = rows.map((a) => ({
    number: a.number,
    name: a.name,
    openBlock: a.blocks[0] ?? null,
    members: a.memberships.map((m) => m.user.email),
    usernames: a.sipCredentials.map((c) => c.username),
    pendingRequests: a._count.requests,
  }));
  const last = hits[hits.length - 1];
  return { hits, next: ids.length > LIMIT && last ? encodeCursor([last.number]) : null };
}

export { numberKey as searchCursor };
export type SearchHit = Awaited<ReturnType<typeof searchAccounts>>['hits'][number];
