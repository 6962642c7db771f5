-- 0003: second-factor failures counted across rate-limit windows, and the lock they lead to (issue 12).
ALTER TABLE "User" ADD COLUMN "totpFailures" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "User" ADD COLUMN "totpLockedAt" DATETIME;
-- Recovery codes were 40-bit and stored as unsalted SHA-256: a dump gave them away. They are now 80-bit
-- and stored as keyed HMACs (lib/auth/totp.ts); the old ones cannot be re-hashed and are removed.
DELETE FROM "RecoveryCode" WHERE "codeHash" NOT LIKE 'hmac-sha256:%';
