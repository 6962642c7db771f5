-- 0038: the blocks in force, oldest (or newest) placed first, 25 a page with a keyset on (placedAt, id)
-- after the last block listed: the support desk's "Blocks in force" (lib/staff/blocks-in-force.ts,
-- /staff/blocks). The (status, placedAt) index of 0028 orders by placedAt only; SQLite's entries end
-- with the rowid, not the id, so a page of blocks placed in the same second (a switch that writes whole
-- seconds, a fraud wave) was sorted again, and the keyset's id half was a filter. With the id in the
-- index a page is a walk that stops after 26 entries, however deep, and the list's count reads the index
-- alone. The build reads "Block" once and holds writes to it while it runs (SHARE on PostgreSQL):
-- docs/operations.md, "Migrations that hold up writes".
CREATE INDEX "Block_status_placedAt_id_idx" ON "Block"("status", "placedAt", "id");
