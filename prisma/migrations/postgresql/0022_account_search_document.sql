-- 0022: one search document per account, for a broad staff search on PostgreSQL (lib/staff/search.ts,
-- broadMatches; issue 14 goal 2, bench/README.md "Twenty-eighth session"). A broad word ("León",
-- in 3 960 members' names) was found by walking accounts in number order and testing each one's
-- members through two index probes and two folds: 7.7 µs an account, about 2 000 accounts a page.
-- The document holds, folded once when written (tollgate_fold, 0009_search), the account's number
-- and company name, each member's email and name (User.name) and each SIP username, joined by
-- U+001F (unit separator). The walk reads it in number order and tests it with one LIKE: about
-- 1 µs an account. A search query never holds a control character (withoutControlCharacters drops
-- them) and the fold makes none, so a word found in the document is found within one of its
-- fields, as each table's own index finds it; a query of several words, which may lie in different
-- fields, is confirmed by each table's own test.
-- No trigram index on the document: with one, the planner read the word's matches among the next
-- 5 000 accounts through a BitmapAnd and sorted them (2.1 ms for "León", 4.2 for "María", 6.7 for
-- "Sánchez", 1.1 for "Dental"), where the walk takes 2.0, 0.6, 0.04 and 0.05 ms (bench/README.md).
-- Only on PostgreSQL: SQLite's walk tests accounts in JavaScript and is under goal 2's line; the
-- migrator runs each dialect's files on their own, so SQLite has no 0022.
-- Prisma cannot describe this table or its triggers, as it cannot describe the search indexes of
-- 0009_search: tests/helpers/introspect.ts reports the table among the search structures, and
-- tests/integration/schema-drift.test.ts checks it there.
CREATE TABLE "AccountSearchDocument" (
    "accountId" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "document" TEXT NOT NULL,
    CONSTRAINT "AccountSearchDocument_pkey" PRIMARY KEY ("accountId"),
    CONSTRAINT "AccountSearchDocument_accountId_fkey" FOREIGN KEY ("accountId")
        REFERENCES "CustomerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- The document of account `account`, or null when there is no such account. VOLATILE, though it only
-- reads: each call then reads with a snapshot of its own. Two transactions adding members to one
-- account at once both update its document row; the second waits for the first's commit and then
-- computes its document again (READ COMMITTED's recheck), and only a volatile function's query sees
-- the first's member there (a stable one keeps the statement's older snapshot and would drop it).
CREATE FUNCTION tollgate_search_document(account text) RETURNS text
    LANGUAGE sql VOLATILE PARALLEL SAFE
    AS $$
    SELECT concat_ws(E'\x1f', tollgate_fold(a."number"), tollgate_fold(a."name"),
        (SELECT string_agg(concat_ws(E'\x1f', tollgate_fold(u."email"), tollgate_fold(u."name")), E'\x1f')
            FROM "Membership" m JOIN "User" u ON u."id" = m."userId" WHERE m."accountId" = a."id"),
        (SELECT string_agg(tollgate_fold(c."username"), E'\x1f')
            FROM "SipCredential" c WHERE c."accountId" = a."id"))
    FROM "CustomerAccount" a WHERE a."id" = account
    $$;

-- Writes the documents of the accounts `accounts` again (those that still exist: an account being
-- deleted has lost its document through the foreign key).
CREATE FUNCTION tollgate_search_document_refresh(accounts text[]) RETURNS void
    LANGUAGE sql VOLATILE
    AS $$
    UPDATE "AccountSearchDocument" d SET "document" = tollgate_search_document(d."accountId")
    WHERE d."accountId" = ANY (accounts)
    $$;

-- Triggers. Inserts and deletes are statement-level with transition tables, so a bulk insert (the
-- bench and demo seeds) writes each account's document once per statement, not once per row.
-- Updates are row-level on the columns the document holds, and only when one of them changed:
-- PostgreSQL allows no transition table on a trigger with a column list, and a statement-level
-- update trigger would run on every update of these tables (a sign-in updates "User").
-- Nothing here fires on Block, BlockEvent or any table the switch events write.
CREATE FUNCTION tollgate_search_account_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO "AccountSearchDocument" ("accountId", "number", "document")
        SELECT n."id", n."number", tollgate_search_document(n."id") FROM new_rows n;
    RETURN NULL;
END $$;
CREATE FUNCTION tollgate_search_account_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE "AccountSearchDocument" SET "number" = NEW."number", "document" = tollgate_search_document(NEW."id")
        WHERE "accountId" = NEW."id";
    RETURN NULL;
END $$;
CREATE FUNCTION tollgate_search_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM tollgate_search_document_refresh(ARRAY(SELECT DISTINCT "accountId" FROM old_rows));
    ELSE
        PERFORM tollgate_search_document_refresh(ARRAY(SELECT DISTINCT "accountId" FROM new_rows));
    END IF;
    RETURN NULL;
END $$;
CREATE FUNCTION tollgate_search_row_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tollgate_search_document_refresh(ARRAY[OLD."accountId", NEW."accountId"]);
    RETURN NULL;
END $$;
CREATE FUNCTION tollgate_search_user_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM tollgate_search_document_refresh(
        ARRAY(SELECT m."accountId" FROM "Membership" m WHERE m."userId" = NEW."id"));
    RETURN NULL;
END $$;

CREATE TRIGGER "AccountSearchDocument_account_ai" AFTER INSERT ON "CustomerAccount"
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tollgate_search_account_inserted();
CREATE TRIGGER "AccountSearchDocument_account_au" AFTER UPDATE OF "number", "name" ON "CustomerAccount"
    FOR EACH ROW WHEN (OLD."number" IS DISTINCT FROM NEW."number" OR OLD."name" IS DISTINCT FROM NEW."name")
    EXECUTE FUNCTION tollgate_search_account_updated();
-- Membership and SipCredential rows each belong to one account ("accountId") and hold one more
-- column the document reads ("userId", "username"): the same three triggers on both.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('Membership', 'userId'), ('SipCredential', 'username')) AS v(name, col) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows
            FOR EACH STATEMENT EXECUTE FUNCTION tollgate_search_rows_changed()', 'AccountSearchDocument_' || t.name || '_ai', t.name);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows
            FOR EACH STATEMENT EXECUTE FUNCTION tollgate_search_rows_changed()', 'AccountSearchDocument_' || t.name || '_ad', t.name);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE OF "accountId", %I ON %I FOR EACH ROW
            WHEN (OLD."accountId" IS DISTINCT FROM NEW."accountId" OR OLD.%I IS DISTINCT FROM NEW.%I)
            EXECUTE FUNCTION tollgate_search_row_updated()', 'AccountSearchDocument_' || t.name || '_au', t.col, t.name, t.col, t.col);
    END LOOP;
END $$;
-- A user's insert needs nothing (no membership yet); a user's delete removes their memberships
-- (ON DELETE CASCADE), which fires the Membership trigger.
CREATE TRIGGER "AccountSearchDocument_user_au" AFTER UPDATE OF "email", "name" ON "User"
    FOR EACH ROW WHEN (OLD."email" IS DISTINCT FROM NEW."email" OR OLD."name" IS DISTINCT FROM NEW."name")
    EXECUTE FUNCTION tollgate_search_user_updated();

-- The existing accounts' documents, in one pass per table (100 000 accounts: see bench/README.md).
INSERT INTO "AccountSearchDocument" ("accountId", "number", "document")
SELECT a."id", a."number", concat_ws(E'\x1f', tollgate_fold(a."number"), tollgate_fold(a."name"), m.t, c.t)
FROM "CustomerAccount" a
LEFT JOIN (SELECT m."accountId", string_agg(concat_ws(E'\x1f', tollgate_fold(u."email"), tollgate_fold(u."name")), E'\x1f') AS t
    FROM "Membership" m JOIN "User" u ON u."id" = m."userId" GROUP BY m."accountId") m ON m."accountId" = a."id"
LEFT JOIN (SELECT "accountId", string_agg(tollgate_fold("username"), E'\x1f') AS t
    FROM "SipCredential" GROUP BY "accountId") c ON c."accountId" = a."id";

-- The walk, in number order (backfilled first: building the index once is cheaper than 100 000
-- inserts into it).
CREATE INDEX "AccountSearchDocument_number_idx" ON "AccountSearchDocument" ("number");
