-- Issue 16: time-boxed destination allowances ("Allow one country for a while"), lib/allowances/.
CREATE TABLE "DestinationAllowance" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "blockId" TEXT,
    "country" TEXT NOT NULL,
    "hours" INTEGER NOT NULL,
    "reason" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'requested',
    "requestedById" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedById" TEXT,
    "decidedAt" TIMESTAMP(3),
    "decisionNote" TEXT,
    "until" TIMESTAMP(3),
    "startedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    CONSTRAINT "DestinationAllowance_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "DestinationAllowance_accountId_status_idx" ON "DestinationAllowance"("accountId", "status");
CREATE INDEX "DestinationAllowance_status_until_idx" ON "DestinationAllowance"("status", "until");
ALTER TABLE "DestinationAllowance" ADD CONSTRAINT "DestinationAllowance_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CustomerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
