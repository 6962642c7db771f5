-- 0024: a code mailed to the login's address confirms turning on two-factor authentication from one
-- session (lib/auth/mfa/enrol-proof.ts), so someone in a session of the login (a forwarded sign-in
-- link, a browser left open) cannot turn it on without the mailbox. One row per session, deleted
-- with the session or by the enrolment; the code is kept as an HMAC, never as typed.
CREATE TABLE "EnrolmentProof" (
    "sessionId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "codeMac" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "tries" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "EnrolmentProof_pkey" PRIMARY KEY ("sessionId")
);
ALTER TABLE "EnrolmentProof" ADD CONSTRAINT "EnrolmentProof_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;
