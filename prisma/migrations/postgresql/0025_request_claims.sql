-- 0025: support's queue in a fraud wave (lib/requests/claim.ts, lib/requests/queue.ts). An agent
-- takes a request before phoning the customer: who took it, since when and until when (a soft claim
-- that lapses by itself after CLAIM_MINUTES, cleared by a decision, a release or a withdrawal), so
-- that two agents no longer phone the same customer. The queue filtered by kind (misdial, firewall)
-- walks one index range, oldest first, and the backlog gauge counts each kind on it. Additive: an
-- older release serves on this schema and ignores the columns.
ALTER TABLE "UnblockRequest" ADD COLUMN "claimedById" TEXT;
ALTER TABLE "UnblockRequest" ADD COLUMN "claimedAt" TIMESTAMP(3);
ALTER TABLE "UnblockRequest" ADD COLUMN "claimedUntil" TIMESTAMP(3);
CREATE INDEX "UnblockRequest_status_kind_createdAt_idx" ON "UnblockRequest"("status", "kind", "createdAt");
