-- 0027: policy settings an admin keeps on /staff/policy (lib/policy/settings.ts): first, which block
-- reasons need a person before international calling comes back after every SIP password the block
-- named was changed (DESIGN.md "Re-enabling after a password reset"; lib/blocks/policy.ts). One row
-- per setting, written by the first change; with no row the setting has its default (only `manual`
-- blocks need a person, as before). `version` counts the changes, so that a form sent from an older
-- page is refused rather than silently undoing another admin's change. Additive: an older release
-- serves on this schema and ignores the table (it keeps its built-in default).
CREATE TABLE "PolicySetting" (
    "key" TEXT NOT NULL PRIMARY KEY,
    "value" TEXT NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" DATETIME NOT NULL,
    "updatedById" TEXT NOT NULL
);
