-- 0032: the retention worker (lib/server/retention.ts) deletes sign-in sessions a day after they
-- expired, a batch a minute, oldest expiry first. Without an index on "expires" each pass read every
-- session to find the expired ones, live ones included; with it, a pass with nothing to delete reads
-- one index entry. The build reads the table once and holds writes to "Session" (sign-ins) while it runs.
CREATE INDEX "Session_expires_idx" ON "Session"("expires");
