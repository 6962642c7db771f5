-- 0023: the (actorEmail, at) index of 0020 holds only the rows with no login (actorId IS NULL): the
-- audit log's actor filter reads it for `operator-cli`, the switch's rows, and, since 2026-12-05, the
-- sign-ins tried with a login's address (failed, throttled, links asked for: lib/staff/audit-query.ts),
-- which are written with actorEmail and no actorId. Every row a login writes carries actorEmail too,
-- so on the whole index the filter's "this address, no login" walked the login's own history to find
-- its page (an agent's 200 000 rows for a page of 50). Partial, it is one index range whatever the
-- login did; Prisma's schema still names the index (its key is the same), not its WHERE.
DROP INDEX "AuditLog_actorEmail_at_idx";
CREATE INDEX "AuditLog_actorEmail_at_idx" ON "AuditLog"("actorEmail", "at") WHERE "actorId" IS NULL;
