-- 0031: the staff home's list of rotated blocks waiting for a person (lib/policy/rotated-waiting.ts)
-- walked every block in force once an admin had set the lift policy: with the 10 000 blocks in force
-- of the staff bench, the queue page took 48 ms p95 on SQLite and 90 ms on PostgreSQL. It now starts
-- from the accounts with a SIP password changed after the oldest block in force reached the portal:
-- that block's createdAt from the first index, those credentials from the second. Each build reads
-- its table once and holds writes to it while it runs.
CREATE INDEX "Block_status_createdAt_idx" ON "Block"("status", "createdAt");
CREATE INDEX "SipCredential_passwordChangedAt_idx" ON "SipCredential"("passwordChangedAt");
