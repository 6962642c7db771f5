-- 0007: the language a user chose (issue 15).
-- User.locale already holds the language mail is written in; until the user picks one (profile or the
-- header's Language control) it follows the browser's Accept-Language, captured while they use the portal.
-- User.localeChosenAt: set when the user picks a language; the browser's language is then no longer adopted.
ALTER TABLE "User" ADD COLUMN "localeChosenAt" TIMESTAMP(3);
