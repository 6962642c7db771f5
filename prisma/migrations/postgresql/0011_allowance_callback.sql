-- 0011: the number support calls back before approving a customer's destination allowance (issue 16),
-- as E.164, checked like a misdial's (lib/phone/callback.ts). Null for allowances staff granted directly
-- and for requests made before this column.
ALTER TABLE "DestinationAllowance" ADD COLUMN "callbackPhone" TEXT;
