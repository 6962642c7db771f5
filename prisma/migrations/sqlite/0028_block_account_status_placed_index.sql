-- 0028: an account's blocks of one status in placedAt order. SQLite has no statistics here (Tollgate
-- never runs ANALYZE), and for "this account's active blocks, oldest first" (the block page's other
-- blocks in force, lib/blocks/queries.ts otherBlocksInForce), "calling stopped since" (the dashboard's
-- MIN(placedAt), lib/accounts/queries.ts) and the lifecycle's open blocks, it chose the (status,
-- placedAt) index, which avoids the sort, and walked every block in force of the provider to find the
-- account's: 0.6 ms per account at the 10 000 blocks of a fraud wave, against 0.004 ms with this index
-- (measured with better-sqlite3 on the staff bench's database without its statistics). It replaces
-- the (accountId, status) index, its prefix. The build reads the table once and holds writes to
-- "Block" while it runs.
CREATE INDEX "Block_accountId_status_placedAt_idx" ON "Block"("accountId", "status", "placedAt");
DROP INDEX "Block_accountId_status_idx";
