-- 0017: the reconciler's sweep (lib/blocks/reconcile.ts) reads the accounts least recently compared
-- with the switch, a few each pass, so that every account is compared at least once a day; this index
-- serves its ORDER BY "lastReconciledAt", "id" without reading every account.
CREATE INDEX "CustomerAccount_lastReconciledAt_id_idx" ON "CustomerAccount"("lastReconciledAt", "id");
