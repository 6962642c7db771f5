-- 0021: a form's idempotency key (lib/server/idempotency.ts). A resend of the same render of a form (its
-- answer was lost, or it said "may or may not") finds what the first submission did here, written in
-- that change's transaction, and applies nothing again. Scoped to the user; deleted 24 h after
-- ("expiresAt") by the rate-limit-purge worker (lib/server/workers.ts), which reads the index.
CREATE TABLE "FormReceipt" (
    "userId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "digest" TEXT NOT NULL,
    "note" TEXT NOT NULL,
    "ref" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    CONSTRAINT "FormReceipt_pkey" PRIMARY KEY ("userId", "key")
);
CREATE INDEX "FormReceipt_expiresAt_idx" ON "FormReceipt"("expiresAt");
ALTER TABLE "FormReceipt" ADD CONSTRAINT "FormReceipt_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
