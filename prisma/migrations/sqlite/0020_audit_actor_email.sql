-- 0020: the audit log's actor filter for rows with no login (lib/staff/audit-query.ts): an address
-- typed at sign-in that matches no user, `operator-cli`, and the switch's rows (no actor at all). On
-- the (actorId, at) index these were a walk of every row without an actorId: with 300 000 failed
-- sign-ins of unknown addresses among 1 000 000 rows, a page of `operator-cli` took 91 ms on SQLite
-- (sqlite3 .timer) and 269 ms on PostgreSQL (EXPLAIN ANALYZE: a parallel sequential scan); on this
-- index under 1 ms on both, and the switch's rows 280 → 10 ms on PostgreSQL.
CREATE INDEX "AuditLog_actorEmail_at_idx" ON "AuditLog"("actorEmail", "at");
