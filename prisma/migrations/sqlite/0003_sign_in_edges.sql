-- 0003: second-factor failures counted across rate-limit windows, and the lock they lead to (issue 12).
ALTER TABLE "User" ADD COLUMN "totpFailures" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "User" ADD COLUMN "totpLockedAt" DATETIME;
