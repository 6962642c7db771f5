-- 0033: the customer's dashboard and account page ask, per account, whether support's block is on
-- its way to the switch (lib/accounts/queries.ts SUMMARY_COLUMNS `blockOnItsWay`), and the staff
-- account page lists an account's switch changes. Without an index on "accountNumber" each such
-- question walked every pending change through the (status, nextAttemptAt) index, and pending changes
-- pile up exactly when the switch is slow or has asked for quiet (a fraud wave's password rotations).
-- The build reads the table once and holds writes to "SwitchOperation" (changes queued for the switch)
-- while it runs; the retention worker keeps the table to RETENTION_DAYS of finished rows.
CREATE INDEX "SwitchOperation_accountNumber_status_idx" ON "SwitchOperation"("accountNumber", "status");
