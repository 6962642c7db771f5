-- 0019: the staff search finds an account by the name of a person who is a member of it (User.name:
-- "María José Fernández López" found as "maria fernandez" or "lopez fernandez"; lib/staff/search.ts).
-- The member's name joins the email in the FTS5 trigram table of 0009_search, so it is indexed the
-- same way: any substring of three characters or more, case and diacritics ignored. An FTS5 table's
-- columns cannot be altered, so "UserSearch" and its triggers are made again with both columns and
-- rebuilt from "User" (one pass over the users; 100 000 take about a second).
DROP TRIGGER "UserSearch_ai";
DROP TRIGGER "UserSearch_ad";
DROP TRIGGER "UserSearch_au";
DROP TABLE "UserSearch";
CREATE VIRTUAL TABLE "UserSearch" USING fts5(
    "email", "name", content='User', tokenize='trigram remove_diacritics 1'
);
CREATE TRIGGER "UserSearch_ai" AFTER INSERT ON "User" BEGIN
    INSERT INTO "UserSearch"(rowid, "email", "name") VALUES (new.rowid, new."email", new."name");
END;
CREATE TRIGGER "UserSearch_ad" AFTER DELETE ON "User" BEGIN
    INSERT INTO "UserSearch"("UserSearch", rowid, "email", "name") VALUES ('delete', old.rowid, old."email", old."name");
END;
CREATE TRIGGER "UserSearch_au" AFTER UPDATE OF "email", "name" ON "User" BEGIN
    INSERT INTO "UserSearch"("UserSearch", rowid, "email", "name") VALUES ('delete', old.rowid, old."email", old."name");
    INSERT INTO "UserSearch"(rowid, "email", "name") VALUES (new.rowid, new."email", new."name");
END;
INSERT INTO "UserSearch"("UserSearch") VALUES ('rebuild');
