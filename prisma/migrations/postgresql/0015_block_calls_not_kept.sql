-- 0015: a block.placed may list more calls than the portal stores with its block (an IRSF burst:
-- hundreds in minutes). lib/blocks/trigger-calls.ts keeps the first 200; Block.callsNotKept counts the
-- rest (and any entry that was not a call object), so the block page says "and N more calls".
-- Existing blocks kept every call they came with.
ALTER TABLE "Block" ADD COLUMN "callsNotKept" INTEGER NOT NULL DEFAULT 0;
