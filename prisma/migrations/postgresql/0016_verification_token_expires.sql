-- 0016: the sign-in-link-purge worker (lib/auth/link-purge.ts) reads the expired VerificationToken rows
-- oldest expiry first, every minute: without an index on "expires" each pass read the whole table and
-- sorted it. With it, a pass reads only the expired rows, in index order, and stops at its batch.
CREATE INDEX "VerificationToken_expires_idx" ON "VerificationToken"("expires");
