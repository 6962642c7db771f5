import 'server-only';
import { cookies, headers } from 'next/headers';
import { sessionCookieName, sessionIdFromCookie } from '@/lib/auth/session-token';
import { db } from '@/lib/server/db';
import { markDatabaseUnavailable } from '@/lib/server/db/unavailable';

// Why a browser that was signed in is signed in no more, for the sign-in page's notice (app/sign-in).
// Read from the session cookie the browser still sends, never from the address: a link a stranger
// crafts (`/sign-in?…`) cannot make the page say anything about a session, and only the browser that
// held the cookie hears about its own session. Nothing here names a login or an address, so a visitor
// learns nothing of which addresses have an account.

/**
 * How the session of this browser ended:
 * - `expired`: its Session row is still there, past its `expires`; `hours` is the session's lifetime
 *   (from its sign-in, Session.createdAt, to its `expires`), rounded, at least 1;
 * - `revoked`: the cookie names a session that no longer exists: ended from another browser or by
 *   support (sign out everywhere, a password or second-factor change elsewhere, a disabled login;
 *   each deletes the Session rows, and each is audited where it happens);
 * - `ended`: the cause is not told: the cookie does not decrypt (cut short, made up, sealed with a
 *   secret no longer configured), its JWT has expired, it names no session id, or its login is
 *   disabled while the row remains.
 */
export type SessionEnd = { why: 'expired'; hours: number } | { why: 'revoked' } | { why: 'ended' };

/** The Session row a decrypted cookie names, as far as the notice needs it. */
type EndedRow = { expires: Date; createdAt: Date; user: { disabled: boolean } };

/**
 * Why this request's session cookie no longer signs it in (SessionEnd), or null when the request
 * carries no session cookie at all (a new visitor, or a browser that signed out: Auth.js deletes the
 * cookie), or when the session it names is still valid. For a request that currentUser() found no
 * user for (lib/auth/session.ts); only inside a request (reads next/headers). The cookie counts under
 * the one name Auth.js reads for this request (session-token.ts sessionCookieName), whole or in
 * chunks (`name.0`, `name.1`, …). At most one read of the Session row, by its token (the unique index).
 * Throws a database outage marked as one (lib/server/db/unavailable.ts), as currentUser does.
 */
export async function endedSession(): Promise<SessionEnd | null> {
  const name = sessionCookieName((await headers()).get('x-forwarded-proto'));
  const chunk = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+$`);
  const sent = (await cookies())
    .getAll()
    .some((c) => c.value !== '' && (c.name === name || chunk.test(c.name)));
  if (!sent) return null;
  const sid = await sessionIdFromCookie();
  if (!sid) return { why: 'ended' };
  const row: EndedRow | null = await db.session
    .findUnique({
      where: { sessionToken: sid },
      select: { expires: true, createdAt: true, user: { select: { disabled: true } } },
    })
    .catch((e) => {
      throw markDatabaseUnavailable(e);
    });
  if (!row) return { why: 'revoked' };
  if (row.user.disabled) return { why: 'ended' };
  const expires = new Date(row.expires).getTime();
  // An expiry that cannot be read is an ended session (NaN compares false), as userOfSession reads it.
  if (expires > Date.now()) return null;
  if (!Number.isFinite(expires)) return { why: 'ended' };
  const hours = Math.max(1, Math.round((expires - new Date(row.createdAt).getTime()) / 3_600_000));
  return Number.isFinite(hours) ? { why: 'expired', hours } : { why: 'ended' };
}
