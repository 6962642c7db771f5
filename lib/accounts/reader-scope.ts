import 'server-only';
import { displayEmail } from '@/lib/auth/email-address';
import { currentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { memberOf } from './queries';

/** Who is reading a customer page's 404, and the accounts their login can see (by number). */
export type ReaderScope = { email: string; accounts: { id: string; number: string; name: string }[] };

/**
 * What the "not on your accounts" 404 of a customer page may tell its reader (components/not-on-your-
 * accounts.tsx): the address they are signed in with and their own accounts, read from their own
 * memberships; null when nobody is signed in. Nothing in it depends on the id the page was asked for,
 * so the page reads the same for a block of an account the reader left, of a stranger's account, or
 * one that never existed: it tells a member who was removed (or who opened a notice sent to another
 * address) where they stand, and tells anyone else nothing about the other accounts.
 */
export async function readerScope(): Promise<ReaderScope | null> {
  const user = await currentUser();
  if (!user) return null;
  const accounts = await db.customerAccount.findMany({
    where: memberOf(user.id),
    select: { id: true, number: true, name: true },
    orderBy: { number: 'asc' },
  });
  return { email: displayEmail(user.email), accounts };
}
