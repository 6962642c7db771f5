-- 0004: callback numbers on file and a time zone the user chose (issue 13).
-- CustomerAccount.phone: the account's callback number on file (E.164), set by `admin create-account --phone`.
ALTER TABLE "CustomerAccount" ADD COLUMN "phone" TEXT;
-- User.timeZoneChosenAt: set when the user picks a zone in the profile; the browser's zone is then no longer adopted.
ALTER TABLE "User" ADD COLUMN "timeZoneChosenAt" TIMESTAMP(3);
