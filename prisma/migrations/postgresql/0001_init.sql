-- 0001: initial schema (drafted with scripts/sql-draft.mjs, reviewed).
CREATE TYPE "Role" AS ENUM ('customer', 'agent', 'admin');
CREATE TYPE "BlockReason" AS ENUM ('high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern', 'manual');
CREATE TYPE "BlockStatus" AS ENUM ('active', 'lift_pending', 'lifted');
CREATE TYPE "BlockEventType" AS ENUM ('placed', 'notice_queued', 'notice_sent', 'password_reset', 'request_submitted', 'request_withdrawn', 'request_approved', 'request_denied', 'lift_requested', 'lifted');
CREATE TYPE "RequestKind" AS ENUM ('misdial', 'firewall');
CREATE TYPE "RequestStatus" AS ENUM ('pending', 'approved', 'denied', 'withdrawn');
CREATE TYPE "OutboxStatus" AS ENUM ('pending', 'done', 'failed');
CREATE TYPE "InboxStatus" AS ENUM ('received', 'processed', 'unknown_account', 'rejected');
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "emailVerified" TIMESTAMP(3),
    "image" TEXT,
    "passwordHash" TEXT,
    "role" "Role" NOT NULL DEFAULT 'customer',
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "timeZone" TEXT NOT NULL DEFAULT 'UTC',
    "locale" TEXT NOT NULL DEFAULT 'en',
    "totpSecret" TEXT,
    "totpEnabledAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "providerAccountId" TEXT NOT NULL,
    "refresh_token" TEXT,
    "access_token" TEXT,
    "expires_at" INTEGER,
    "token_type" TEXT,
    "scope" TEXT,
    "id_token" TEXT,
    "session_state" TEXT,
    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Account_userId_idx" ON "Account"("userId");
CREATE UNIQUE INDEX "Account_provider_providerAccountId_key" ON "Account"("provider", "providerAccountId");
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "sessionToken" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip" TEXT,
    "userAgent" TEXT,
    "mfaVerifiedAt" TIMESTAMP(3),
    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Session_sessionToken_key" ON "Session"("sessionToken");
CREATE INDEX "Session_userId_idx" ON "Session"("userId");
CREATE TABLE "VerificationToken" (
    "identifier" TEXT NOT NULL,
    "token" TEXT NOT NULL,
    "expires" TIMESTAMP(3) NOT NULL
);
CREATE UNIQUE INDEX "VerificationToken_token_key" ON "VerificationToken"("token");
CREATE UNIQUE INDEX "VerificationToken_identifier_token_key" ON "VerificationToken"("identifier", "token");
CREATE TABLE "RecoveryCode" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "usedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "RecoveryCode_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "RecoveryCode_userId_idx" ON "RecoveryCode"("userId");
CREATE TABLE "RateLimiterFlexible" (
    "key" TEXT NOT NULL,
    "points" INTEGER NOT NULL,
    "expire" TIMESTAMP(3),
    CONSTRAINT "RateLimiterFlexible_pkey" PRIMARY KEY ("key")
);
CREATE TABLE "CustomerAccount" (
    "id" TEXT NOT NULL,
    "number" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "country" TEXT NOT NULL DEFAULT 'US',
    "timeZone" TEXT NOT NULL DEFAULT 'America/New_York',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "CustomerAccount_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "CustomerAccount_number_key" ON "CustomerAccount"("number");
CREATE INDEX "CustomerAccount_name_idx" ON "CustomerAccount"("name");
CREATE TABLE "Membership" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "Membership_accountId_idx" ON "Membership"("accountId");
CREATE UNIQUE INDEX "Membership_userId_accountId_key" ON "Membership"("userId", "accountId");
CREATE TABLE "SipCredential" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "username" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "passwordChangedAt" TIMESTAMP(3),
    "passwordScore" INTEGER,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SipCredential_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "SipCredential_username_key" ON "SipCredential"("username");
CREATE INDEX "SipCredential_accountId_idx" ON "SipCredential"("accountId");
CREATE TABLE "Block" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "reason" "BlockReason" NOT NULL,
    "status" "BlockStatus" NOT NULL DEFAULT 'active',
    "placedAt" TIMESTAMP(3) NOT NULL,
    "placedBy" TEXT NOT NULL,
    "note" TEXT,
    "liftedAt" TIMESTAMP(3),
    "liftedBy" TEXT,
    "sourceEventId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "Block_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "Block_sourceEventId_key" ON "Block"("sourceEventId");
CREATE INDEX "Block_accountId_status_idx" ON "Block"("accountId", "status");
CREATE INDEX "Block_status_placedAt_idx" ON "Block"("status", "placedAt");
CREATE TABLE "TriggerCall" (
    "id" TEXT NOT NULL,
    "blockId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "sipUsername" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "sourceIp" TEXT NOT NULL,
    "durationSec" INTEGER NOT NULL,
    CONSTRAINT "TriggerCall_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "TriggerCall_blockId_at_idx" ON "TriggerCall"("blockId", "at");
CREATE TABLE "BlockEvent" (
    "id" TEXT NOT NULL,
    "blockId" TEXT NOT NULL,
    "type" "BlockEventType" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT,
    "detail" TEXT,
    CONSTRAINT "BlockEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "BlockEvent_blockId_at_idx" ON "BlockEvent"("blockId", "at");
CREATE TABLE "UnblockRequest" (
    "id" TEXT NOT NULL,
    "blockId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "kind" "RequestKind" NOT NULL,
    "status" "RequestStatus" NOT NULL DEFAULT 'pending',
    "openKey" TEXT,
    "submittedById" TEXT NOT NULL,
    "whatHappened" TEXT NOT NULL,
    "intendedNumber" TEXT,
    "misdialCallIds" TEXT,
    "pbxIp" TEXT,
    "checklist" TEXT,
    "callbackPhone" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "decidedAt" TIMESTAMP(3),
    "decidedById" TEXT,
    "decisionNote" TEXT,
    "denyReason" TEXT,
    CONSTRAINT "UnblockRequest_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "UnblockRequest_openKey_key" ON "UnblockRequest"("openKey");
CREATE INDEX "UnblockRequest_status_createdAt_idx" ON "UnblockRequest"("status", "createdAt");
CREATE INDEX "UnblockRequest_accountId_createdAt_idx" ON "UnblockRequest"("accountId", "createdAt");
CREATE INDEX "UnblockRequest_blockId_idx" ON "UnblockRequest"("blockId");
CREATE TABLE "SwitchEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "receivedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "InboxStatus" NOT NULL DEFAULT 'received',
    "processedAt" TIMESTAMP(3),
    "error" TEXT,
    CONSTRAINT "SwitchEvent_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "SwitchEvent_receivedAt_idx" ON "SwitchEvent"("receivedAt");
CREATE TABLE "SwitchOperation" (
    "id" TEXT NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "accountNumber" TEXT NOT NULL,
    "blockId" TEXT,
    "payload" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completedAt" TIMESTAMP(3),
    CONSTRAINT "SwitchOperation_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "SwitchOperation_idempotencyKey_key" ON "SwitchOperation"("idempotencyKey");
CREATE INDEX "SwitchOperation_status_nextAttemptAt_idx" ON "SwitchOperation"("status", "nextAttemptAt");
CREATE INDEX "SwitchOperation_blockId_idx" ON "SwitchOperation"("blockId");
CREATE TABLE "MailMessage" (
    "id" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),
    "sendStartedAt" TIMESTAMP(3),
    "messageId" TEXT,
    "sentAt" TIMESTAMP(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "MailMessage_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "MailMessage_status_nextAttemptAt_idx" ON "MailMessage"("status", "nextAttemptAt");
CREATE TABLE "AuditLog" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" TEXT,
    "actorEmail" TEXT,
    "action" TEXT NOT NULL,
    "accountId" TEXT,
    "targetType" TEXT,
    "targetId" TEXT,
    "ip" TEXT,
    "userAgent" TEXT,
    "detail" TEXT,
    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "AuditLog_at_idx" ON "AuditLog"("at");
CREATE INDEX "AuditLog_accountId_at_idx" ON "AuditLog"("accountId", "at");
CREATE INDEX "AuditLog_actorId_at_idx" ON "AuditLog"("actorId", "at");
CREATE INDEX "AuditLog_action_at_idx" ON "AuditLog"("action", "at");
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "RecoveryCode" ADD CONSTRAINT "RecoveryCode_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CustomerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "SipCredential" ADD CONSTRAINT "SipCredential_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CustomerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "Block" ADD CONSTRAINT "Block_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CustomerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "TriggerCall" ADD CONSTRAINT "TriggerCall_blockId_fkey" FOREIGN KEY ("blockId") REFERENCES "Block"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "BlockEvent" ADD CONSTRAINT "BlockEvent_blockId_fkey" FOREIGN KEY ("blockId") REFERENCES "Block"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "UnblockRequest" ADD CONSTRAINT "UnblockRequest_blockId_fkey" FOREIGN KEY ("blockId") REFERENCES "Block"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "UnblockRequest" ADD CONSTRAINT "UnblockRequest_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "CustomerAccount"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The audit log is append-only: the database refuses updates and deletes, whatever the code does.
CREATE FUNCTION "auditlog_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'AuditLog is append-only';
END;
$$;
CREATE TRIGGER "AuditLog_no_update_delete" BEFORE UPDATE OR DELETE ON "AuditLog" FOR EACH ROW EXECUTE FUNCTION "auditlog_append_only"();
