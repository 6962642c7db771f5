-- 0010: the reconciler waits one pass before it places a block again on the switch.
-- CustomerAccount.differenceSeenAt: when a pass found the switch allowing international calls while a
-- block is in force in the portal. The next pass re-places the block only if the switch still allows
-- calls and no switch change (an event, a confirmation) was applied in between (lib/blocks/lifecycle.ts).
ALTER TABLE "CustomerAccount" ADD COLUMN "differenceSeenAt" DATETIME;
