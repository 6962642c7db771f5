-- 0030: support's allowance requests in a fraud wave (lib/allowances/claim.ts). As on an unblock
-- request (0025), an agent takes an allowance request before phoning the customer: who took it, since
-- when and until when (a soft claim that lapses by itself after CLAIM_MINUTES, cleared by a decision,
-- a release, or Tollgate closing the request), so that two agents no longer phone the same customer
-- about the same allowance. Additive: nullable columns, no rewrite of the table; an older release
-- serves on this schema and ignores them.
ALTER TABLE "DestinationAllowance" ADD COLUMN "claimedById" TEXT;
ALTER TABLE "DestinationAllowance" ADD COLUMN "claimedAt" DATETIME;
ALTER TABLE "DestinationAllowance" ADD COLUMN "claimedUntil" DATETIME;
