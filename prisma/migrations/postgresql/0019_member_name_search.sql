-- 0019: the staff search finds an account by the name of a person who is a member of it (User.name:
-- "María José Fernández López" found as "maria fernandez" or "lopez fernandez"; lib/staff/search.ts).
-- A pg_trgm GIN index on tollgate_fold("name"), as 0009_search made for the other searched columns,
-- written at once rather than through GIN's pending list, as 0012 set for them. A null name (a
-- member who never gave one) has no entry: tollgate_fold is STRICT.
CREATE INDEX "User_name_search_idx" ON "User" USING gin (tollgate_fold("name") gin_trgm_ops)
    WITH (fastupdate = off);
