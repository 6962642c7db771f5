import { NotOnYourAccounts } from '@/components/not-on-your-accounts';
import { readerScope } from '@/lib/accounts/reader-scope';
import { env } from '@/lib/server/env';

// Not one of the reader's: the same answer for every id (components/not-on-your-accounts.tsx).
export default async function NotFound() {
  return <NotOnYourAccounts reader={await readerScope()} support={env().SUPPORT_CONTACT} />;
}
