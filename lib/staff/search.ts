import 'server-only';
import { accountNumberAsTyped, accountNumberInField, SIP_USERNAME_RE } from '@/lib/accounts/identifiers';
import { displayEmail, typedAddressAsStored } from '@/lib/auth/email-address';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { Prisma } from '@/lib/generated/sqlite/client';
import type { BlockReason, BlockStatus } from '@/lib/generated/sqlite/enums';
import { db, isPostgres } from '@/lib/server/db';
import { typedText } from '@/lib/server/control-characters';
import { tollgateFold as fold } from '@/lib/server/db/serialized-sqlite';
import { encodeCursor, numberKey } from './cursor';
import { accountsByPhone, isPhoneText } from './phone-search';

const LIMIT = 25;

// LIKE's wildcards in what the agent typed are matched literally (backslash is the escape).
const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * PostgreSQL: the LIKE pattern "contains `q`" against tollgate_fold(column): `q` folded first, then
 * its wildcards escaped. In that order because the fold makes wildcards: unaccent maps the full-width
 * ％ ＿ ＼ (and ﹪ ∖ ﹨) to % _ \, which an escape made before the fold would leave live (`％％` listed
 * every account). One parameter, evaluated once per statement like the fold it replaces.
 */
const pgContains = (q: string) =>
  Prisma.sql`('%' || replace(replace(replace(tollgate_fold(${q}), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%')`;
/** PostgreSQL: `column` (an SQL fragment) contains every one of `terms` (pgContains, ANDed). */
const pgContainsAll = (column: Prisma.Sql, terms: string[]) =>
  Prisma.sql`(${Prisma.join(
    terms.map((t) => Prisma.sql`tollgate_fold(${column}) LIKE ${pgContains(t)}`),
    ' AND ',
  )})`;
// An FTS5 string: the query as one phrase, double quotes doubled (https://sqlite.org/fts5.html §3.1).
const ftsPhrase = (s: string) => `"${s.replace(/"/g, '""')}"`;
/**
 * An FTS5 query: every one of `terms` as a phrase, all in one of `columns` (a column filter on a
 * bracketed expression, https://sqlite.org/fts5.html §3.7), as pgContainsAll tests each column.
 */
const ftsAll = (terms: string[], columns: string[]) => {
  const all = `(${terms.map(ftsPhrase).join(' AND ')})`;
  return columns.map((c) => `{${c}} : ${all}`).join(' OR ');
};

/** A member of an account as a search hit shows them; `disabled`: support or an admin disabled the login. */
export type SearchMember = { email: string; name: string | null; disabled: boolean };

/** What a search shows of one account (components/staff/search-results.tsx). */
export type SearchHit = {
  number: string;
  name: string;
  /** The newest open block (active or lift_pending), or null. */
  openBlock: { id: string; status: BlockStatus; reason: BlockReason } | null;
  /**
   * The first 5 members (membership id order): each one's email, as people write it (displayEmail),
   * and name (User.name, null when they gave none); so a hit found by a member's name shows it.
   */
  members: SearchMember[];
  /** The first 10 SIP usernames, in id order. */
  usernames: string[];
  /** Pending unblock requests of the account. */
  pendingRequests: number;
  /**
   * Destination-allowance requests of the account waiting for a callback (`requested`): a caller
   * found by search may be asking about one (until 2026-12-07 a hit counted unblock requests only).
   */
  pendingAllowances: number;
};

/**
 * An account that matched, with what the page shows of it (`show`) when the statement that found it
 * read that too (a narrow search, both databases; a broad one on PostgreSQL).
 */
type Hit = { id: string; number: string; show?: SearchHit };

/**
 * PostgreSQL: a JSON object `{ id, number, show }` for the account row aliased `x`, `show` being its
 * SearchHit, each list and count read by a subquery on its own index (Block (accountId, status),
 * Membership (accountId), SipCredential (accountId), UnblockRequest (accountId, createdAt),
 * DestinationAllowance (accountId, status)). It puts a page's hits in the statement that finds them:
 * Prisma's findMany with these includes costs one round trip per relation (six), and its pending
 * count aggregates every pending request.
 * The same object as sqliteHitJson (SQLite's showHits).
 */
const pgHitJson = Prisma.sql`json_build_object('id', x."id", 'number', x."number", 'show', json_build_object(
  'number', x."number", 'name', x."name",
  'openBlock', (SELECT json_build_object('id', b."id", 'status', b."status", 'reason', b."reason") FROM "Block" b
    WHERE b."accountId" = x."id" AND b."status" IN ('active', 'lift_pending') ORDER BY b."placedAt" DESC LIMIT 1),
  'members', COALESCE((SELECT json_agg(json_build_object('email', s."email", 'name', s."name", 'disabled', s."disabled") ORDER BY s."id") FROM (
    SELECT m."id", u."email", u."name", u."disabled" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."accountId" = x."id" ORDER BY m."id" LIMIT 5) s), '[]'),
  'usernames', COALESCE((SELECT json_agg(s."username" ORDER BY s."id") FROM (
    SELECT c."id", c."username" FROM "SipCredential" c WHERE c."accountId" = x."id" ORDER BY c."id" LIMIT 10) s), '[]'),
  'pendingRequests', (SELECT count(*) FROM "UnblockRequest" r WHERE r."accountId" = x."id" AND r."status" = 'pending'),
  'pendingAllowances', (SELECT count(*) FROM "DestinationAllowance" d WHERE d."accountId" = x."id" AND d."status" = 'requested')))`;

/**
 * SQLite: the same object as pgHitJson for the account row aliased `x`, built with JSON1
 * (`json_group_array(… ORDER BY …)`: SQLite 3.44+, as in lib/requests/queue.ts). A subquery's JSON
 * loses its JSON type on the way out, so each is wrapped in `json(…)` to stay an object or array.
 */
const sqliteHitJson = Prisma.sql`json_object('id', x."id", 'number', x."number", 'show', json_object(
  'number', x."number", 'name', x."name",
  'openBlock', json((SELECT json_object('id', b."id", 'status', b."status", 'reason', b."reason") FROM "Block" b
    WHERE b."accountId" = x."id" AND b."status" IN ('active', 'lift_pending') ORDER BY b."placedAt" DESC LIMIT 1)),
  'members', json((SELECT json_group_array(json_object('email', s."email", 'name', s."name", 'disabled', s."disabled") ORDER BY s."id") FROM (
    SELECT m."id", u."email", u."name", u."disabled" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
    WHERE m."accountId" = x."id" ORDER BY m."id" LIMIT 5) s)),
  'usernames', json((SELECT json_group_array(s."username" ORDER BY s."id") FROM (
    SELECT c."id", c."username" FROM "SipCredential" c WHERE c."accountId" = x."id" ORDER BY c."id" LIMIT 10) s)),
  'pendingRequests', (SELECT count(*) FROM "UnblockRequest" r WHERE r."accountId" = x."id" AND r."status" = 'pending'),
  'pendingAllowances', (SELECT count(*) FROM "DestinationAllowance" d WHERE d."accountId" = x."id" AND d."status" = 'requested')))`;

/**
 * At most this many matches per searched column are read from an index to decide how to answer
 * (SPARSE_CAP + 1 are asked for). Under it, the query is "narrow": every match is known and sorted
 * by account number. Over it, "broad" (at 100 000 accounts, more than 1 % match one column):
 * sorting every match by number is the cost (297 ms SQLite, 383 ms PostgreSQL for "Dental", which
 * every account matches), so accounts are walked in number order instead and each one is tested,
 * which finds a page within a few thousand rows.
 */
export const SPARSE_CAP = 1000;
/** A broad search tests at most this many accounts per page; a page may then hold fewer hits. */
export const WALK_MAX = 5000;
const WALK_BATCH = 500;

/**
 * What a narrow statement's row `r` answers: its page (JSON), or null when a count per table (a
 * accounts, u members, c credentials, each at most cap + 1) is over `cap`.
 */
function narrowAnswer(
  r: { a: number | bigint; u: number | bigint; c: number | bigint; page: string },
  cap: number,
): { hits: Hit[] | null } {
  const over = [r.a, r.u, r.c].some((n) => Number(n) > cap);
  return { hits: over ? null : (JSON.parse(r.page) as Hit[]) };
}

/**
 * The ids and numbers of the `limit` accounts after number `after` ('' = from the start) whose
 * number, company name, member email, member name (User.name) or SIP username contains every one of
 * `terms` (one column holding them all; a single term is a phrase, the usual case: wordsReading makes
 * several), in number order (each with its `show`, read in the same statement, except a two-character
 * query's on SQLite) as `hits`; or `hits` null when the query is broad: some table has more than
 * `cap` matches (see broadMatches).
 *
 * SQLite: FTS5 trigram tables (migration 0009_search) for three characters or more; case and
 * diacritics ignored ("penalara" finds "Peñalara"). PostgreSQL: pg_trgm GIN indexes on
 * tollgate_fold(column) = lower(unaccent(column)). The two folds differ (review 11, finding 13, left
 * open: docs/staff-console.md): unaccent also folds letters that are not a base letter plus a mark
 * (Ł Ø Æ ß Đ Þ → l o ae ss d th) and full-width forms, FTS5's remove_diacritics does not, so "lodz"
 * finds "Łódź" on PostgreSQL only. A two-character query has no trigram, so it is answered by a
 * scan (on SQLite LIKE: diacritics significant, case folded for A–Z only; "ÑA" misses "Peña").
 */
async function narrowMatches(
  terms: string[],
  after: string,
  limit: number,
  cap: number,
): Promise<{ hits: Hit[] | null }> {
  if (isPostgres()) {
    const has = (column: Prisma.Sql) => pgContainsAll(column, terms);
    // One statement: each column's matches (at most cap + 1, one index scan each: a CTE used twice
    // is computed once), their counts, and the page among them. Counting first in a statement of its
    // own scanned each GIN index twice (bench/staff.ts: searchEmail p50 106 → 139 ms). The page is
    // built only when no count is over the cap (a one-time filter): for a broad query it is thrown
    // away, and joining its 1 000-odd matches to the accounts took 50 of the statement's 63 ms
    // ("Dental", EXPLAIN ANALYZE at 100 000 accounts).
    const [r] = await db.$queryRaw<{ a: bigint; u: bigint; c: bigint; page: string }[]>`
      WITH a AS (
        SELECT "id" FROM "CustomerAccount" WHERE ${has(Prisma.sql`"number"`)} OR ${has(Prisma.sql`"name"`)}
        LIMIT ${cap + 1}
      ), u AS (
        SELECT m."accountId" AS "id" FROM "User" u JOIN "Membership" m ON m."userId" = u."id"
        WHERE ${has(Prisma.sql`u."email"`)} OR ${has(Prisma.sql`u."name"`)} LIMIT ${cap + 1}
      ), c AS (
        SELECT "accountId" AS "id" FROM "SipCredential" WHERE ${has(Prisma.sql`"username"`)}
        LIMIT ${cap + 1}
      )
      , n AS (SELECT (SELECT count(*) FROM a) AS a, (SELECT count(*) FROM u) AS u, (SELECT count(*) FROM c) AS c)
      SELECT n.a, n.u, n.c,
        (SELECT COALESCE(json_agg(${pgHitJson} ORDER BY x."number"), '[]')::text FROM (
          SELECT y."id", y."number", y."name" FROM "CustomerAccount" y
          WHERE y."id" IN (SELECT "id" FROM a UNION SELECT "id" FROM u UNION SELECT "id" FROM c) AND y."number" > ${after}
            AND (SELECT GREATEST(n.a, n.u, n.c) FROM n) <= ${cap}
          ORDER BY y."number" LIMIT ${limit}
        ) x) AS page
      FROM n`;
    return narrowAnswer(r, cap);
  }
  // A reading of several terms has only terms of three characters or more (wordsReading).
  const [q] = terms as [string];
  if (terms.length === 1 && [...q].length < 3) {
    const p = `%${likeEscape(q)}%`;
    const hits = await db.$queryRaw<Hit[]>`
      WITH hit(id) AS (
        SELECT "id" FROM "CustomerAccount" WHERE "number" LIKE ${p} ESCAPE '\\' OR "name" LIKE ${p} ESCAPE '\\'
        UNION SELECT m."accountId" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
          WHERE u."email" LIKE ${p} ESCAPE '\\' OR u."name" LIKE ${p} ESCAPE '\\'
        UNION SELECT "accountId" FROM "SipCredential" WHERE "username" LIKE ${p} ESCAPE '\\'
      )
      SELECT a."id", a."number" FROM "CustomerAccount" a JOIN hit ON hit."id" = a."id"
      WHERE a."number" > ${after} ORDER BY a."number" LIMIT ${limit}`;
    return { hits };
  }
  // A phrase is looked for in every column of a table; several terms all in one of its columns.
  const fts = (columns: string[]) => (terms.length === 1 ? ftsPhrase(q) : ftsAll(terms, columns));
  // FTS5 yields matches in rowid order and stops at the LIMIT (2 ms for 1 001 of 100 000 matches,
  // 15 ms for all of them), so reading at most cap + 1 per table is cheap whatever the query.
  // One statement, as on PostgreSQL: each table's matches are read once (MATERIALIZED) for both
  // their count and the page, and the page's hits come with what the page shows of them
  // (sqliteHitJson), built only when no count is over the cap. It was two statements reading each
  // FTS5 table twice, then Prisma's five for the hits (8 a search view with the session's; 2 now).
  const [r] = await db.$queryRaw<
    { a: number | bigint; u: number | bigint; c: number | bigint; page: string }[]
  >`
    WITH a AS MATERIALIZED (
      SELECT rowid AS r FROM "CustomerAccountSearch" WHERE "CustomerAccountSearch" MATCH ${fts(['number', 'name'])} LIMIT ${cap + 1}
    ), u AS MATERIALIZED (
      SELECT rowid AS r FROM "UserSearch" WHERE "UserSearch" MATCH ${fts(['email', 'name'])} LIMIT ${cap + 1}
    ), c AS MATERIALIZED (
      SELECT rowid AS r FROM "SipCredentialSearch" WHERE "SipCredentialSearch" MATCH ${fts(['username'])} LIMIT ${cap + 1}
    ), n AS MATERIALIZED (
      SELECT (SELECT count(*) FROM a) AS a, (SELECT count(*) FROM u) AS u, (SELECT count(*) FROM c) AS c
    ), hit(id) AS (
      SELECT "id" FROM "CustomerAccount" WHERE rowid IN (SELECT r FROM a)
      UNION SELECT m."accountId" FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
        WHERE u.rowid IN (SELECT r FROM u)
      UNION SELECT "accountId" FROM "SipCredential" WHERE rowid IN (SELECT r FROM c)
    )
    SELECT n.a, n.u, n.c,
      (SELECT json_group_array(json(${sqliteHitJson}) ORDER BY x."number") FROM (
        SELECT y."id", y."number", y."name" FROM "CustomerAccount" y JOIN hit ON hit."id" = y."id"
        WHERE y."number" > ${after} AND (SELECT max(n.a, n.u, n.c) FROM n) <= ${cap}
        ORDER BY y."number" LIMIT ${limit}
      ) x) AS page
    FROM n`;
  return narrowAnswer(r, cap);
}

/**
 * A page of a broad search: accounts after number `after` walked in number order (the unique index
 * on number), each tested against the same indexes' rule (one column holding every one of `terms`),
 * until `limit` hits or `walkMax` accounts.
 * `last` is the number of the last account tested when the walk stopped early (the next page starts
 * after it), else null. On PostgreSQL each hit comes with its `show`, in the same statement.
 *
 * PostgreSQL walks the accounts' search documents (migration 0022: each account's number, company
 * name, members' emails and names and SIP usernames, folded with tollgate_fold when written and
 * joined by U+001F) in number order, one row per account, and tests each with one LIKE per term:
 * 1 µs an account against 7.7 µs for the member test alone when each table was probed (2 000
 * accounts walked for "León": 1.9 against 15.8 ms, EXPLAIN ANALYZE on the bench's seed). One term
 * is found in the document exactly when it is found in one of its columns: a query holds no control
 * character (withoutControlCharacters) and the fold makes none, so a match cannot span the
 * separator. Several terms in the document may lie in different columns, so each account the
 * document names is then confirmed by each table's own test (tollgate_fold(column) LIKE, as the
 * trigram indexes answer; OFFSET 0 keeps each EXISTS a test per account, not a hashed set of every
 * matching member).
 * SQLite reads the walked accounts with their members' emails and names and their credentials'
 * usernames in batches and tests them in JavaScript with `fold` (tollgateFold): reading all 100 000 matching rowids out of FTS5 takes
 * 160 ms, and probing FTS5 once per account about 0.16 ms.
 */
async function broadMatches(
  terms: string[],
  after: string,
  limit: number,
  walkMax: number,
): Promise<{ hits: Hit[]; last: string | null }> {
  if (isPostgres()) {
    const has = (column: Prisma.Sql) => pgContainsAll(column, terms);
    const confirmed =
      terms.length === 1
        ? Prisma.sql`TRUE`
        : Prisma.sql`(${has(Prisma.sql`a."number"`)} OR ${has(Prisma.sql`a."name"`)}
            OR EXISTS (SELECT 1 FROM "Membership" m JOIN "User" u ON u."id" = m."userId"
              WHERE m."accountId" = a."id" AND (${has(Prisma.sql`u."email"`)} OR ${has(Prisma.sql`u."name"`)}) OFFSET 0)
            OR EXISTS (SELECT 1 FROM "SipCredential" c WHERE c."accountId" = a."id" AND ${has(Prisma.sql`c."username"`)} OFFSET 0))`;
    const [r] = await db.$queryRaw<{ page: string }[]>`
      SELECT COALESCE(json_agg(${pgHitJson} ORDER BY x."number"), '[]')::text AS page FROM (
        SELECT a."id", a."number", a."name" FROM (
          SELECT d."accountId", d."number", ${Prisma.join(
            terms.map((t) => Prisma.sql`d."document" LIKE ${pgContains(t)}`),
            ' AND ',
          )} AS "found"
          FROM "AccountSearchDocument" d WHERE d."number" > ${after} ORDER BY d."number" LIMIT ${walkMax}
        ) w JOIN "CustomerAccount" a ON a."id" = w."accountId"
        WHERE w."found" AND ${confirmed}
        ORDER BY w."number" LIMIT ${limit}
      ) x`;
    const hits = JSON.parse(r.page) as Hit[];
    if (hits.length >= limit) return { hits, last: null };
    const [walk] = await db.$queryRaw<{ n: bigint; last: string | null }[]>`
      SELECT count(*) AS n, max("number") AS last FROM (
        SELECT "number" FROM "CustomerAccount" WHERE "number" > ${after} ORDER BY "number" LIMIT ${walkMax}
      ) w`;
    return { hits, last: Number(walk.n) < walkMax ? null : walk.last };
  }
  const needles = terms.map(fold);
  const hits: Hit[] = [];
  let from = after;
  // The first batch is two pages' worth, then four times the last up to WALK_BATCH: a query every
  // account matches ("Dental") fills its page from the first 26 accounts, and reading 500 with their
  // members and credentials took 5.0 ms against 0.4 ms for 50 (p50, the bench's 100 000 accounts).
  let batchSize = 2 * limit;
  for (let walked = 0; walked < walkMax; batchSize = Math.min(WALK_BATCH, batchSize * 4)) {
    const size = Math.min(batchSize, walkMax - walked);
    const batch = await db.$queryRaw<(Hit & { name: string; people: string; usernames: string })[]>`
      SELECT a."id", a."number", a."name",
        (SELECT json_group_array(json_array(u."email", u."name")) FROM "Membership" mb JOIN "User" u ON u."id" = mb."userId" WHERE mb."accountId" = a."id") AS people,
        (SELECT json_group_array(c."username") FROM "SipCredential" c WHERE c."accountId" = a."id") AS usernames
      FROM "CustomerAccount" a WHERE a."number" > ${from} ORDER BY a."number" LIMIT ${size}`;
    for (const a of batch) {
      walked++;
      from = a.number;
      const texts = [
        a.number,
        a.name,
        // Each member's email and name (null when they gave none: nothing to test).
        ...(JSON.parse(a.people) as (string | null)[][]).flat().filter((x): x is string => x !== null),
        ...(JSON.parse(a.usernames) as string[]),
      ];
      if (texts.some((x) => needles.every((n) => fold(x).includes(n))))
        hits.push({ id: a.id, number: a.number });
      if (hits.length >= limit) return { hits, last: null };
    }
    if (batch.length < size) return { hits, last: null };
  }
  return { hits, last: from };
}

/**
 * What the page shows of the accounts `ids`, in account number order: one statement (sqliteHitJson,
 * pgHitJson). PostgreSQL reads the text matches' with the matches; the phone matches' are read here. It was Prisma's findMany with
 * the same includes, five statements and a pending count that grouped every pending request.
 */
async function showHits(ids: string[]): Promise<SearchHit[]> {
  if (ids.length === 0) return [];
  if (isPostgres()) {
    const [r] = await db.$queryRaw<{ page: string }[]>`
      SELECT COALESCE(json_agg(${pgHitJson} ORDER BY x."number"), '[]')::text AS page FROM (
        SELECT "id", "number", "name" FROM "CustomerAccount" WHERE "id" IN (${Prisma.join(ids)})
      ) x`;
    return (JSON.parse(r.page) as Hit[]).map((h) => h.show!);
  }
  const [r] = await db.$queryRaw<{ page: string }[]>`
    SELECT json_group_array(json(${sqliteHitJson}) ORDER BY x."number") AS page FROM (
      SELECT "id", "number", "name" FROM "CustomerAccount" WHERE "id" IN (${Prisma.join(ids)})
    ) x`;
  return (JSON.parse(r.page) as Hit[]).map((h) => h.show!);
}

/** The fewest characters a search uses (after control characters are dropped and the ends trimmed). */
export const SEARCH_MIN_CHARS = 2;
/** The most characters a search uses: the rest of a longer query is not searched. */
export const SEARCH_MAX_CHARS = 100;

/**
 * The text a search looks for, from what was typed (typedText): no control or invisible formatting
 * characters, trimmed, at most SEARCH_MAX_CHARS characters. The page says this back ("No account
 * matches …"), not the raw query: what it searched, and nothing that reorders the sentence around it.
 */
export const searchedText = (raw: string) => typedText(raw, SEARCH_MAX_CHARS);

/** One page of a search: see searchAccounts. */
export type SearchPage = { hits: SearchHit[]; next: string | null; tooShort: boolean };

/**
 * The readings of a SIP username said aloud, as an agent types it from a call: "acme reception" for
 * `acme-reception`. Each run of spaces becomes one of the separators SIP usernames use most (`-`, `.`,
 * `_`); none when `typed` has no space, no letter (a phone number said in groups is read by
 * accountsByPhone) or a reading could not be a username (SIP_USERNAME_RE).
 */
function usernameReadings(typed: string): string[] {
  if (!/\s/u.test(typed) || !/\p{L}/u.test(typed)) return [];
  return ['-', '.', '_'].map((sep) => typed.replace(/\s+/gu, sep)).filter((u) => SIP_USERNAME_RE.test(u));
}

/**
 * A name as a caller says it, without the punctuation it is written with: the words of `typed` (split
 * at spaces, each without the punctuation at its ends) of three characters or more, each to be found,
 * in any order, in one column. "Clínica Dental Peñalara SL" → ["Clínica", "Dental", "Peñalara"] finds
 * "Clínica Dental Peñalara, S.L." (break-25: as one phrase, the comma made it miss). Shorter words
 * ("SL", "de", "y") are left out: the trigram indexes cannot look for them, and the longer words are
 * what names an account. A number is never left out, since it is what the agent was given to find:
 * a word with a digit is looked for like the others ("talleres 2000 sl" → ["talleres", "2000"]); one
 * too short to be looked for is left out in a longer text ("20 de noviembre sa de cv" →
 * ["noviembre"]), and beside a single word ("ext 21", "dental 24") there is no reading of words at
 * all (since 2026-12-05; before, numbers were dropped, and the word left, "ext", "tel", "acc", listed
 * accounts that had nothing to do with the number). Punctuation inside a word stays ("O'Brien's", "50%off":
 * typed wildcards stay literal). None when `typed` has no space or no word of three characters or
 * more with a letter. searchAccounts does not ask for it when `typed` is an account number or a phone
 * number.
 */
function wordsReading(typed: string): string[][] {
  if (!/\s/u.test(typed)) return [];
  const words = typed.split(/\s+/u).map((w) => w.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''));
  const searchable = (w: string) => [...w].length >= 3;
  const terms = words.filter(searchable);
  // A number too short to be looked for, with one other word and nothing else ("ext 21", "dental 24"),
  // is what was asked for: the word alone would list accounts that have nothing to do with it (what
  // was typed is still searched as it is). In a longer text ("20 de noviembre sa de cv", "dental 24
  // sl") the words name the company without it.
  if (words.length <= 2 && words.some((w) => /\p{N}/u.test(w) && !searchable(w))) return [];
  return terms.some((w) => /\p{L}/u.test(w)) ? [[...new Set(terms)]] : [];
}

/** "number", "no.", "nº", "n.º", "núm.", "número": a word saying that a number follows or is meant. */
const NUMBER_WORD = String.raw`(?:number|n[uú]mero|n[uú]m|no|n[º°]|n\.\s?º)(?!\p{L})\.?`;
/**
 * Words naming what follows as an account number, in English or Spanish: "account", "acct", "a/c",
 * "cuenta", "cta", with a NUMBER_WORD before ("nº de cuenta", "number of account") or after ("account
 * no.") it, and a ":" or "#" ("cuenta: 1001", "account #1001").
 */
const ACCOUNT_LABEL = new RegExp(
  String.raw`^(?:${NUMBER_WORD}\s*(?:(?:de|of)\s+)?)?(?:account|acct|a/c|cuenta|cta)(?!\p{L})\.?\s*(?:${NUMBER_WORD}\s*)?[:#＃]?\s*`,
  'iu',
);
/** "acc" as a word of its own or right before the number ("acc 1001", "ACC1001", "a.c.c."), not "Accent". */
const ACC_WORD = /^a[\s.]*c[\s.]*c(?!\p{L})/iu;

/**
 * An account number said as one, in the stored form, or null: the number after words naming it
 * (ACCOUNT_LABEL), read as a field that holds nothing else reads it (accountNumberInField: "cuenta
 * 1001", "account no. 10 01", "nº de cuenta ACC-1001" → "ACC-1001"; "account 1001" is not
 * "ACC-OUNT1001"), or what accountNumberAsTyped reads when "acc" is a word of its own (ACC_WORD: "acc
 * 1001", "a.c.c. 10 01", "ACC 1001 x" → "ACC-1001X"). A text starting with a word such as "Accent"
 * (accountNumberAsTyped reads "accent 2000" as "ACC-ENT2000") is a name that may hold a number, not
 * a number: null.
 */
function accountNumberSaid(typed: string): string | null {
  const label = ACCOUNT_LABEL.exec(typed);
  const labelled =
    label && label[0].length < typed.length ? accountNumberInField(typed.slice(label[0].length)) : null;
  if (labelled) return labelled;
  return ACC_WORD.test(typed.normalize('NFKC').trim()) ? accountNumberAsTyped(typed) : null;
}

/**
 * One page of accounts whose number, company name, member email, member name or SIP username contains
 * the query, or whose phone number on file or callback number is the query read as a phone number (accountsByPhone)
 * (at least SEARCH_MIN_CHARS characters, else `tooShort` and no hits; at most SEARCH_MAX_CHARS are
 * used: searchedText), ordered
 * by account number (unique, so it is its own tiebreaker). `after` is the decoded cursor of the
 * previous page (null = first page).
 * A query is read in turn as typed, each reading used when the first page of each one before it has
 * neither a hit nor a `next`:
 * - an account number as heard, "acc 1001" or "cuenta 1001" → "ACC-1001" (accountNumberSaid, else
 *   accountNumberAsTyped), or an address with a Unicode domain in its stored form
 *   (typedAddressAsStored), first;
 * - then what was typed, as it is (a phone number in it is also read as one: accountsByPhone);
 * - then, for words with spaces, a SIP username said aloud: "acme reception" → "acme-reception",
 *   "acme.reception", "acme_reception";
 * - last, its words without punctuation, each found in any order in one column: "clinica dental
 *   penalara sl" finds "Clínica Dental Peñalara, S.L." (wordsReading). Not for an account number said
 *   as one (accountNumberSaid: "acc 9999", "cuenta 1001") or a phone number (isPhoneText: "912 34 56
 *   78 ext 21", "tel 912…"): the number is what was asked for, and the words left beside it ("acc",
 *   "ext", "tel") would list accounts that have nothing to do with it; when no account has the
 *   number, none matches.
 * A later page follows whichever reading the first page used.
 * Returns `{ hits, next, tooShort }`: at most 25 hits; `next` is the cursor of the following page or
 * null. A broad query (more than SPARSE_CAP matches in a column) tests at most WALK_MAX accounts per
 * page, so one of its pages may hold fewer than 25 hits and still have a `next`.
 * `opts.sparseCap` and `opts.walkMax` override SPARSE_CAP and WALK_MAX (tests use them to take
 * the broad path, and to stop its walk early, on small data).
 * Throws (assertStaff) for a caller who is not staff.
 */
export async function searchAccounts(
  user: CurrentUser,
  raw: string,
  after: { number: string } | null = null,
  opts: { sparseCap?: number; walkMax?: number } = {},
): Promise<SearchPage> {
  assertStaff(user);
  const typed = searchedText(raw);
  if ([...typed].length < SEARCH_MIN_CHARS) return { hits: [], next: null, tooShort: true };
  const said = accountNumberSaid(typed);
  const asStored = said ?? accountNumberAsTyped(typed) ?? typedAddressAsStored(typed);
  const phrases = [...new Set([asStored ?? typed, typed, ...usernameReadings(typed)])];
  // A number said as one (an account's, a phone's) is what was asked for: its words are not searched.
  const words = said || isPhoneText(typed) ? [] : wordsReading(typed);
  const readings = [...phrases.map((q) => [q]), ...words];
  for (const q of readings.slice(0, -1)) {
    // A first page with no hits but a `next` (a broad walk that stopped early) has not found nothing.
    const first = await searchOnce(q, null, opts);
    if (first.hits.length > 0 || first.next) return after ? searchOnce(q, after, opts) : first;
  }
  return searchOnce(readings.at(-1)!, after, opts);
}

/** One page of searchAccounts for one reading of the query: its `terms`, all to be found (one: a phrase). */
async function searchOnce(
  terms: string[],
  after: { number: string } | null,
  opts: { sparseCap?: number; walkMax?: number },
): Promise<SearchPage> {
  const from = after?.number ?? '';
  const narrow = await narrowMatches(terms, from, LIMIT + 1, opts.sparseCap ?? SPARSE_CAP);
  const { hits: ids, last: walkedTo } = narrow.hits
    ? { hits: narrow.hits, last: null }
    : await broadMatches(terms, from, LIMIT + 1, opts.walkMax ?? WALK_MAX);
  // A phone number as the customer says it ("+34 912 34 56 78", "912 34 56 78") also finds the
  // accounts with it on file or as a callback number (lib/staff/phone-search.ts); [] for other text
  // and for a reading of words (the phrase readings before it read the same text as a number).
  const byPhone = terms.length === 1 ? await accountsByPhone(terms[0]!, from, LIMIT + 1) : [];
  // Each list is known up to a number: the text matches up to their (LIMIT + 1)th, or up to the last
  // account a broad walk tested (walkedTo), the phone matches up to their (LIMIT + 1)th; past the
  // nearer of the two, a later page finds them.
  const knownTo = [ids.length > LIMIT ? ids[LIMIT]!.number : walkedTo, byPhone[LIMIT]?.number ?? null]
    .filter((n): n is string => n !== null)
    .sort()[0];
  const merged = [...new Map<string, Hit>([...ids, ...byPhone].map((h) => [h.id, h])).values()]
    .filter((h) => knownTo === undefined || h.number <= knownTo)
    .sort((a, b) => (a.number < b.number ? -1 : a.number > b.number ? 1 : 0));
  const page = merged.slice(0, LIMIT);
  const shown = page.every((h) => h.show) ? page.map((h) => h.show!) : await showHits(page.map((h) => h.id));
  // Members' addresses as people write them, as the account page shows them (a Unicode domain).
  const hits = shown.map((h) => ({
    ...h,
    // SQLite's JSON carries the flag as 0 or 1, PostgreSQL's as a boolean.
    members: h.members.map((m) => ({
      email: displayEmail(m.email),
      name: m.name,
      disabled: Boolean(m.disabled),
    })),
  }));
  // A broad walk that stopped before a full page continues after the last account it tested.
  const nextAfter = merged.length > LIMIT ? page[LIMIT - 1]!.number : (knownTo ?? null);
  return { hits, next: nextAfter ? encodeCursor([nextAfter]) : null, tooShort: false };
}

export { numberKey as searchCursor };
