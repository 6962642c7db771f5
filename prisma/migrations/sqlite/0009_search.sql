-- Issue 14 (goal 2): the staff console's search through real indexes, lib/staff/search.ts.
-- FTS5 with the trigram tokenizer finds any substring of three characters or more, ignoring case and
-- diacritics ("penalara" finds "Peñalara"). External-content tables: the text stays in the model's
-- table, the FTS index is kept in step by the triggers below (https://sqlite.org/fts5.html §4.4.3).
-- They key on the source table's rowid: after a VACUUM (which may renumber rowids of tables without
-- an INTEGER PRIMARY KEY) run INSERT INTO "<name>"("<name>") VALUES ('rebuild') for each of them.
-- Prisma cannot describe virtual tables; tests/integration/schema-drift.test.ts checks them by name.
CREATE VIRTUAL TABLE "CustomerAccountSearch" USING fts5(
    "number", "name", content='CustomerAccount', tokenize='trigram remove_diacritics 1'
);
CREATE TRIGGER "CustomerAccountSearch_ai" AFTER INSERT ON "CustomerAccount" BEGIN
    INSERT INTO "CustomerAccountSearch"(rowid, "number", "name") VALUES (new.rowid, new."number", new."name");
END;
CREATE TRIGGER "CustomerAccountSearch_ad" AFTER DELETE ON "CustomerAccount" BEGIN
    INSERT INTO "CustomerAccountSearch"("CustomerAccountSearch", rowid, "number", "name") VALUES ('delete', old.rowid, old."number", old."name");
END;
CREATE TRIGGER "CustomerAccountSearch_au" AFTER UPDATE OF "number", "name" ON "CustomerAccount" BEGIN
    INSERT INTO "CustomerAccountSearch"("CustomerAccountSearch", rowid, "number", "name") VALUES ('delete', old.rowid, old."number", old."name");
    INSERT INTO "CustomerAccountSearch"(rowid, "number", "name") VALUES (new.rowid, new."number", new."name");
END;
INSERT INTO "CustomerAccountSearch"("CustomerAccountSearch") VALUES ('rebuild');

CREATE VIRTUAL TABLE "UserSearch" USING fts5(
    "email", content='User', tokenize='trigram remove_diacritics 1'
);
CREATE TRIGGER "UserSearch_ai" AFTER INSERT ON "User" BEGIN
    INSERT INTO "UserSearch"(rowid, "email") VALUES (new.rowid, new."email");
END;
CREATE TRIGGER "UserSearch_ad" AFTER DELETE ON "User" BEGIN
    INSERT INTO "UserSearch"("UserSearch", rowid, "email") VALUES ('delete', old.rowid, old."email");
END;
CREATE TRIGGER "UserSearch_au" AFTER UPDATE OF "email" ON "User" BEGIN
    INSERT INTO "UserSearch"("UserSearch", rowid, "email") VALUES ('delete', old.rowid, old."email");
    INSERT INTO "UserSearch"(rowid, "email") VALUES (new.rowid, new."email");
END;
INSERT INTO "UserSearch"("UserSearch") VALUES ('rebuild');

CREATE VIRTUAL TABLE "SipCredentialSearch" USING fts5(
    "username", content='SipCredential', tokenize='trigram remove_diacritics 1'
);
CREATE TRIGGER "SipCredentialSearch_ai" AFTER INSERT ON "SipCredential" BEGIN
    INSERT INTO "SipCredentialSearch"(rowid, "username") VALUES (new.rowid, new."username");
END;
CREATE TRIGGER "SipCredentialSearch_ad" AFTER DELETE ON "SipCredential" BEGIN
    INSERT INTO "SipCredentialSearch"("SipCredentialSearch", rowid, "username") VALUES ('delete', old.rowid, old."username");
END;
CREATE TRIGGER "SipCredentialSearch_au" AFTER UPDATE OF "username" ON "SipCredential" BEGIN
    INSERT INTO "SipCredentialSearch"("SipCredentialSearch", rowid, "username") VALUES ('delete', old.rowid, old."username");
    INSERT INTO "SipCredentialSearch"(rowid, "username") VALUES (new.rowid, new."username");
END;
INSERT INTO "SipCredentialSearch"("SipCredentialSearch") VALUES ('rebuild');
