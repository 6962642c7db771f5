import 'server-only';
import { db } from '@/lib/server/db';

/** The most expired sign-in link rows one purge pass deletes. */
export const LINK_PURGE_BATCH = 500;

/**
 * Deletes up to `max` sign-in link rows (Auth.js's VerificationToken: requested links, block-notice
 * links, second-factor unlock links; lib/mail/link-token.ts) whose `expires` is before `now`, and
 * returns how many went. An expired row already opens nothing (lib/auth/link-sign-in.ts reads it as
 * no link at all), but a used link is the only kind Auth.js deletes, so without this every unused one
 * stayed for ever. Two statements: the batch's tokens (oldest expiry first), then a DELETE of those
 * tokens that repeats the expiry condition, so a row whose expiry moved later in between (the mail
 * worker's upsert of a re-sent link) is never deleted while still valid. Run by the
 * `sign-in-link-purge` worker (lib/server/workers.ts); several instances at once only share the work.
 */
export async function purgeExpiredSignInLinks(now = new Date(), max = LINK_PURGE_BATCH): Promise<number> {
  const batch = await db.verificationToken.findMany({
    where: { expires: { lt: now } },
    select: { token: true },
    orderBy: { expires: 'asc' },
    take: max,
  });
  if (!batch.length) return 0;
  const { count } = await db.verificationToken.deleteMany({
    where: { token: { in: batch.map((r) => r.token) }, expires: { lt: now } },
  });
  return count;
}
