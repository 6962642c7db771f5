-- 0029: an account the switch answers 404 for is listed for staff (lib/blocks/reconcile.ts). Once a
-- person resolved that entry (a customer who left, closed on the switch, which the portal has no
-- command to close), a later 404 listed it again at the next read, for ever. It is listed again only
-- after the switch has answered for the account since that resolution: this column says when it did.
-- Additive: a nullable column, no rewrite of the table.
ALTER TABLE "CustomerAccount" ADD COLUMN "knownOnSwitchAt" TIMESTAMP(3);
