import 'server-only';
import { db } from '@/lib/server/db';
import { memberOf } from '@/lib/accounts/queries';
import { callbackDisplay } from '@/lib/phone/callback';
import { accountCountry } from '@/lib/phone/plan';

/**
 * The callback number on file for account `accountId` (CustomerAccount.phone, set by the operator:
 * E.164, `;ext=…` with an extension), as a person reads and types it (lib/phone/callback.ts
 * callbackDisplay: "+34 912 34 56 78 ext. 21", which the request's callback check reads back as the
 * same number), for a form to start with; null when the account has none, or is not one of `userId`'s
 * (scoped inside the query, STYLE.md).
 */
export async function phoneOnFileForUser(userId: string, accountId: string): Promise<string | null> {
  const account = await db.customerAccount.findFirst({
    where: { id: accountId, ...memberOf(userId) },
    select: { phone: true, country: true },
  });
  return account?.phone ? callbackDisplay(account.phone, accountCountry(account.country)) : null;
}
