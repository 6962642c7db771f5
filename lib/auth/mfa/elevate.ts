import 'server-only';
import type { CurrentUser } from '@/lib/auth/session';
import { newSessionToken } from '@/lib/auth/session-token';
import type { Tx } from '@/lib/server/db';
import { lockUser } from '@/lib/server/db/lock';
import type { RequestMeta } from '@/lib/server/request-meta';

/** A session that has just passed its second factor: the browser gets its token (setSessionCookie). */
export type VerifiedSession = { sessionToken: string; expires: Date };

/** Thrown inside a transaction that needed startVerifiedSession's session, to roll back what it did first. */
export class SessionEnded extends Error {}

/**
 * Passing the second factor starts a **new** session (OWASP ASVS V7.2.4, review 11 finding 5): inside
 * `tx`, the half-signed-in Session row of `user` is deleted and a verified one with a new token takes
 * its place (same user, sign-in time and expiry; this request's address and user agent). Whoever holds a copy of
 * the old token (a cookie planted in the victim's browser before they typed the code) holds nothing.
 * Returns the new session, or null when the old row was already gone (signed out, or a concurrent
 * request passed the factor first: on PostgreSQL the delete waits for it, then matches nothing).
 * Takes the user's row lock first (lockUser; docs/architecture.md "Lock order"): a "sign out
 * everywhere" or an admin's disable running at the same moment either finishes first (then the old
 * row is gone and this returns null) or waits for this one and then ends the new session too, never
 * missing it.
 */
export async function startVerifiedSession(
  tx: Tx,
  user: Pick<CurrentUser, 'id' | 'sessionId'>,
  meta: RequestMeta,
): Promise<VerifiedSession | null> {
  await lockUser(tx, user.id);
  const old = await tx.session.findUnique({
    where: { id: user.sessionId },
    select: { expires: true, createdAt: true },
  });
  if (!old) return null;
  const { count } = await tx.session.deleteMany({ where: { id: user.sessionId, userId: user.id } });
  if (count !== 1) return null;
  const sessionToken = newSessionToken();
  await tx.session.create({
    data: {
      sessionToken,
      userId: user.id,
      expires: old.expires,
      createdAt: old.createdAt, // the sign-in's time, which "your sessions" shows, not the code's
      ip: meta.ip,
      userAgent: meta.userAgent,
      mfaVerifiedAt: new Date(),
    },
  });
  return { sessionToken, expires: old.expires };
}
