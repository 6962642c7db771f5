-- 0012: PostgreSQL only (its GIN search indexes stop using a pending list; see
-- prisma/migrations/postgresql/0012_search_no_pending_list.sql). SQLite's FTS5 tables have no such
-- list: nothing to change here. Kept so both dialects carry the same migration names.
SELECT 1;
