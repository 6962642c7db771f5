-- Issue 10: the block lifecycle orders events by the switch's time, reconciles with the switch, and records SIP password intents.
ALTER TABLE "CustomerAccount" ADD COLUMN "switchChangedAt" DATETIME;
ALTER TABLE "CustomerAccount" ADD COLUMN "reconcileDue" BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE "CustomerAccount" ADD COLUMN "lastReconciledAt" DATETIME;
CREATE TABLE "SipPasswordChange" (
    "id" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'sending',
    "score" INTEGER NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "switchConfirmedAt" DATETIME,
    "completedAt" DATETIME,
    "error" TEXT,
    CONSTRAINT "SipPasswordChange_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SipPasswordChange_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "SipCredential" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "SipPasswordChange_status_createdAt_idx" ON "SipPasswordChange"("status", "createdAt");
CREATE INDEX "SipPasswordChange_credentialId_idx" ON "SipPasswordChange"("credentialId");
CREATE TABLE "SyncIssue" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "detectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "portalState" TEXT NOT NULL,
    "switchState" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "detail" TEXT,
    "resolvedAt" DATETIME,
    "resolvedById" TEXT,
    "resolvedNote" TEXT,
    CONSTRAINT "SyncIssue_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "SyncIssue_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CustomerAccount" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX "SyncIssue_resolvedAt_detectedAt_idx" ON "SyncIssue"("resolvedAt", "detectedAt");
CREATE INDEX "SyncIssue_accountId_idx" ON "SyncIssue"("accountId");
