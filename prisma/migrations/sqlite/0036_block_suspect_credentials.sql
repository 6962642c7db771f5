-- 0036: a credential the block's calls do not name, but which the portal saw registered on the switch,
-- while the block was active, from an address of those calls or by a SIP scanning tool (a tester
-- playing the fraudster: the calls went through `desk`, `fax` was registered from the same address,
-- and the block lifted on `desk`'s rotation alone). The registrar checked that registrant's digest, so
-- it holds that password too: the automatic lift now waits for its change as well (lib/blocks/
-- suspects.ts, lib/blocks/policy.ts liftIfRotated). One row per (block, credential), the first
-- sighting; inserted with ON CONFLICT DO NOTHING. Additive: a new table; an older release ignores it.
CREATE TABLE "BlockSuspectCredential" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "blockId" TEXT NOT NULL,
    "credentialId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "sourceIp" TEXT NOT NULL,
    "firstSeenAt" DATETIME NOT NULL,
    CONSTRAINT "BlockSuspectCredential_blockId_fkey" FOREIGN KEY ("blockId") REFERENCES "Block" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "BlockSuspectCredential_credentialId_fkey" FOREIGN KEY ("credentialId") REFERENCES "SipCredential" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE UNIQUE INDEX "BlockSuspectCredential_blockId_credentialId_key" ON "BlockSuspectCredential"("blockId", "credentialId");
CREATE INDEX "BlockSuspectCredential_credentialId_idx" ON "BlockSuspectCredential"("credentialId");
