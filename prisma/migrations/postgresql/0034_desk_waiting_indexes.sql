-- 0034: the staff desk sees everything waiting (docs/staff-console.md, "Queue and search").
-- The queue's watch (lib/requests/queue.ts queueChangesSince, asked every 5–30 s by every open staff
-- home) counts, besides the waiting unblock requests, the allowance requests sent since the page was
-- read and the requests of either kind another agent took since then: without these indexes each ask
-- walked every waiting request of the table, thousands in a fraud wave. The claim indexes are partial
-- (a request nobody has taken, or whose claim a decision or a release cleared, has no "claimedAt"),
-- so they hold only the requests taken now, and a read of every waiting request never prefers them.
-- The (status, createdAt) index of allowance requests also serves the staff home's allowance list,
-- which sorted every waiting one to show the 25 oldest. The last one serves the staff home's list of
-- changes the switch outbox is still sending past a few minutes (lib/staff/switch-waiting.ts), oldest
-- first, and the readiness check's and metrics' oldest pending change, which walked every pending
-- change through (status, nextAttemptAt); pending changes pile up exactly when the switch is down.
-- It is partial too (`WHERE "status" = 'pending'`, the term each of those reads has): the table keeps
-- RETENTION_DAYS of finished changes (docs/operations.md, "Retention"), which no reader of it wants,
-- so it holds only the changes still being sent, and its build writes only those.
-- Each build reads its table once and holds writes to it while it runs (SHARE on PostgreSQL), and
-- the four run in one transaction, so each table's writes wait until the last is built: measured
-- in docs/operations.md, "Migrations that hold up writes".
CREATE INDEX "UnblockRequest_status_claimedAt_idx" ON "UnblockRequest"("status", "claimedAt") WHERE "claimedAt" IS NOT NULL;
CREATE INDEX "DestinationAllowance_status_createdAt_idx" ON "DestinationAllowance"("status", "createdAt");
CREATE INDEX "DestinationAllowance_status_claimedAt_idx" ON "DestinationAllowance"("status", "claimedAt") WHERE "claimedAt" IS NOT NULL;
CREATE INDEX "SwitchOperation_status_createdAt_idx" ON "SwitchOperation"("status", "createdAt") WHERE "status" = 'pending';
