import 'server-only';
import { displayEmail } from '@/lib/auth/email-address';
import { currentUser, secondFactorPending } from '@/lib/auth/session';
import { db } from '@/lib/server/db';

/** Who is reading a customer page's 404, and the accounts their login can see (by number). */
export type ReaderScope = { email: string; accounts: { id: string; number: string; name: string }[] };

/**
 * What the "not on your accounts" 404 of a customer page may tell its reader (components/not-on-your-
 * accounts.tsx): the address they are signed in with and their own accounts, read from their own
 * memberships; null when nobody is signed in, and for a session whose second factor is pending
 * (someone with the password only may read nothing: lib/auth/session.ts secondFactorPending). Nothing in it depends on the id the page was asked for,
 * so the page reads the same for a block of an account the reader left, of a stranger's account, or
 * one that never existed: it tells a member who was removed (or who opened a notice sent to another
 * address) where they stand, and tells anyone else nothing about the other accounts.
 *
 * Next renders a segment's not-found boundary into the payload of every page of that segment, so
 * this runs on every block, account and SIP password page, not only on a 404. It starts from the
 * reader's memberships (the `Membership_userId_accountId_key` index, then each account by its key),
 * as the dashboard's read does (lib/accounts/queries.ts): Prisma's `memberships: { some }` filter is
 * an `EXISTS` per account, which SQLite answers by walking every account of the provider in number
 * order (at 100 000 accounts, the block page served 16 requests/s against 33 on the demo database;
 * bench/README.md, thirty-first session).
 */
export async function readerScope(): Promise<ReaderScope | null> {
  const user = await currentUser();
  // Next renders this boundary into every page of its segment, so a half-signed-in session's request
  // for a block page (RSC: 1) carried the account list past requireUser's redirect (review, session 33).
  if (!user || secondFactorPending(user)) return null;
  return { email: displayEmail(user.email), accounts: await accountsOfMember(user.id) };
}

/**
 * Id, number and name of every account `userId` is a member of, by account number (the database's
 * order, as the accounts' own index sorts them); empty for a login with no membership. One statement.
 */
export async function accountsOfMember(userId: string): Promise<ReaderScope['accounts']> {
  return db.$queryRaw<ReaderScope['accounts']>`
    SELECT a."id", a."number", a."name"
    FROM "Membership" m JOIN "CustomerAccount" a ON a."id" = m."accountId"
    WHERE m."userId" = ${userId}
    ORDER BY a."number"`;
}
