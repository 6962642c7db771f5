-- Issue 14 (goal 2): the staff console's search through real indexes, lib/staff/search.ts.
-- pg_trgm GIN indexes answer LIKE '%…%' for any substring of three characters or more
-- (https://www.postgresql.org/docs/15/pgtrgm.html §F.35.5). They index tollgate_fold(column):
-- lower case without diacritics, so "penalara" finds "Peñalara". unaccent() is only STABLE (its
-- dictionary could change), so the fold names its dictionary and is declared IMMUTABLE, the usual
-- way to index it. Both extensions are "trusted" since PostgreSQL 13: the database owner may create them.
-- Prisma cannot describe expression GIN indexes; tests/integration/schema-drift.test.ts checks them.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE FUNCTION tollgate_fold(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$;
CREATE INDEX "CustomerAccount_number_search_idx" ON "CustomerAccount" USING gin (tollgate_fold("number") gin_trgm_ops);
CREATE INDEX "CustomerAccount_name_search_idx" ON "CustomerAccount" USING gin (tollgate_fold("name") gin_trgm_ops);
CREATE INDEX "User_email_search_idx" ON "User" USING gin (tollgate_fold("email") gin_trgm_ops);
CREATE INDEX "SipCredential_username_search_idx" ON "SipCredential" USING gin (tollgate_fold("username") gin_trgm_ops);
