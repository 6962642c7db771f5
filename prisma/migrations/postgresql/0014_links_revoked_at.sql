-- 0014: a mail queued before the user's sign-in links were revoked must not carry a fresh one.
-- User.linksRevokedAt: set by every revocation of a user's links (sign out everywhere, a portal password
-- change, a second-factor change, a disabled user; lib/auth/revoke.ts). A block notice queued at or
-- before it (still waiting, say, while SMTP was down) is sent without its sign-in link (lib/mail/render.ts).
-- Existing users start with none: links revoked before this migration left no mark.
ALTER TABLE "User" ADD COLUMN "linksRevokedAt" TIMESTAMP(3);
