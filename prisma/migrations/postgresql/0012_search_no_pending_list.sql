-- Issue 14 (goal 2): the search indexes of 0009_search are written at once, not through GIN's pending
-- list. With fastupdate on (the default) new rows' trigrams wait in an unsorted pending list until a
-- VACUUM (or 4 MB of them) merges it, and every search reads the whole list: after 100 000 accounts
-- were added, a search by email spent ≈ 20 ms of its 26 ms reading the four lists (EXPLAIN ANALYZE,
-- 10 000 accounts; bench/README.md "staff"). Accounts, members and SIP credentials are added far less
-- often than staff search, so each insert pays for its own index entries instead
-- (https://www.postgresql.org/docs/15/gin-implementation.html#GIN-FAST-UPDATE).
-- tests/helpers/introspect.ts requires the option on each search index.
ALTER INDEX "CustomerAccount_number_search_idx" SET (fastupdate = off);
ALTER INDEX "CustomerAccount_name_search_idx" SET (fastupdate = off);
ALTER INDEX "User_email_search_idx" SET (fastupdate = off);
ALTER INDEX "SipCredential_username_search_idx" SET (fastupdate = off);
-- Turning the option off keeps what is already pending: merge it now.
SELECT gin_clean_pending_list('"CustomerAccount_number_search_idx"'::regclass),
  gin_clean_pending_list('"CustomerAccount_name_search_idx"'::regclass),
  gin_clean_pending_list('"User_email_search_idx"'::regclass),
  gin_clean_pending_list('"SipCredential_username_search_idx"'::regclass);
