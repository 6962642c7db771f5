import 'server-only';
import { cache } from 'react';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { RETURN_TO_HEADER, safeCallbackUrl } from '@/lib/auth/callback-url';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { sessionIdFromCookie } from '@/lib/auth/session-token';
import { db } from '@/lib/server/db';
import { markDatabaseUnavailable } from '@/lib/server/db/unavailable';
import type { Role } from '@/lib/generated/sqlite/enums';

export type CurrentUser = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  timeZone: string;
  locale: string;
  /** True when `locale` is the user's own choice (User.localeChosenAt); else it follows the browser. */
  localeChosen?: boolean;
  /**
   * The country (ISO 3166-1 alpha-2) of every customer account the user is a member of, when they are
   * all in one; null for staff, a user without accounts, or accounts in several countries. Pages format
   * dates and numbers for it when the browser names no region (lib/i18n/locales.ts formatTag).
   */
  accountCountry?: string | null;
  sessionId: string;
  mfaEnrolled: boolean;
  mfaVerified: boolean;
};

/**
 * The signed-in user, or null. Checks the Session row every time: a revoked session (sign out
 * everywhere, password change, disabled user) stops working on its next request. Cached per request.
 * The cookie is decrypted without running Auth.js (lib/auth/session-token.ts).
 */
export const currentUser = cache(async (): Promise<CurrentUser | null> => {
  const sid = await sessionIdFromCookie();
  return sid ? userOfSession(sid) : null;
});

/** One row of the session + user read: Session's columns, then the User's (raw SQL, both dialects). */
type SessionUserRow = {
  sessionId: string;
  expires: Date | string | number;
  mfaVerifiedAt: Date | string | number | null;
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean | number | bigint;
  timeZone: string;
  locale: string;
  localeChosenAt: Date | string | number | null;
  totpEnabledAt: Date | string | number | null;
  accountCountry: string | null;
};

/**
 * The user a session token (Session.sessionToken, as the cookie carries it) belongs to, or null when
 * no session has it, it has expired, or its user is disabled. One statement, a join of Session and
 * User, on every request: Prisma's SQLite client reads a relation with a query of its own, so the
 * `select` with `user` it replaces was two (issue 14, bench/README.md "pages"). Only the columns
 * the request needs: no password hash or TOTP secret is loaded per request. The accounts' country
 * is a subquery of the same statement (Membership's unique index on userId, accountId leads with
 * the user).
 */
export async function userOfSession(sessionToken: string): Promise<CurrentUser | null> {
  const rows = await db.$queryRaw<SessionUserRow[]>`
    SELECT s."id" AS "sessionId", s."expires", s."mfaVerifiedAt",
      u."id", u."email", u."name", u."role", u."disabled", u."timeZone", u."locale",
      u."localeChosenAt", u."totpEnabledAt",
      (SELECT CASE WHEN COUNT(DISTINCT a."country") = 1 THEN MIN(a."country") END
        FROM "Membership" m JOIN "CustomerAccount" a ON a."id" = m."accountId"
        WHERE m."userId" = u."id") AS "accountCountry"
    FROM "Session" s JOIN "User" u ON u."id" = s."userId"
    WHERE s."sessionToken" = ${sessionToken}`.catch((e) => {
    // The first read of every signed-in page and action: an outage is told as one (app/error.tsx).
    throw markDatabaseUnavailable(e);
  });
  const row = rows[0];
  // SQLite's raw results may give a date as its stored text and a boolean as 0/1; PostgreSQL gives
  // Date and boolean.
  // Written so that an expiry that cannot be read refuses the session too (NaN compares false).
  if (!row || !(new Date(row.expires).getTime() > Date.now()) || Boolean(Number(row.disabled))) return null;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role,
    timeZone: row.timeZone,
    locale: row.locale,
    localeChosen: row.localeChosenAt !== null,
    accountCountry: row.accountCountry,
    sessionId: row.sessionId,
    mfaEnrolled: row.totpEnabledAt !== null,
    mfaVerified: row.mfaVerifiedAt !== null,
  };
}

/**
 * True for a session that is "half signed in": the user has a second factor and this session has
 * not passed it yet (only the password, or an unlock link, so far). Such a session may enter the
 * code (the verify page and its action) and end itself; nothing else it does may read or change the
 * user's data: not their other sessions, not their stored preferences (language, time zone).
 */
export function secondFactorPending(user: Pick<CurrentUser, 'mfaEnrolled' | 'mfaVerified'>): boolean {
  return user.mfaEnrolled && !user.mfaVerified;
}

/**
 * For pages: sends anonymous visitors to sign in and brings them back afterwards. A user who has a
 * second factor (staff must, customers may) proves it once per session before any page shows data;
 * only the pages that take the code pass `allowUnverified`.
 */
export async function requireUser(
  returnTo?: string,
  opts: { allowUnverified?: boolean } = {},
): Promise<CurrentUser> {
  const user = await currentUser();
  if (!user) redirect(returnTo ? `/sign-in?callbackUrl=${encodeURIComponent(returnTo)}` : '/sign-in');
  if (!opts.allowUnverified && secondFactorPending(user))
    redirect(`/security/verify?next=${encodeURIComponent(returnTo ?? '/')}`);
  return user;
}

/**
 * Every staff read and write starts here (a layout or page check does not protect a query or an
 * action): only staff of the given roles, with the second factor verified in this session. Anyone
 * else gets the same 404 as a page that does not exist.
 */
export function assertStaff(
  user: CurrentUser | null | undefined,
  roles: readonly Role[] = STAFF_ROLES,
): asserts user is CurrentUser {
  if (!user || !roles.includes(user.role) || !user.mfaVerified) notFound();
}

/**
 * For staff pages: customers get a 404 (the staff area does not exist for them); staff without a
 * verified second factor in this session are sent to enrol or verify first, and a visitor who is not
 * signed in to sign in, each then back to the staff page asked for (staffReturnTo): an agent who
 * opens a request's link lands on that request, not on the queue.
 */
export async function requireStaff(roles: readonly Role[] = STAFF_ROLES): Promise<CurrentUser> {
  const back = await staffReturnTo();
  const user = await requireUser(back, { allowUnverified: true });
  if (!roles.includes(user.role)) notFound();
  if (!user.mfaEnrolled) redirect(`/security/two-factor?next=${encodeURIComponent(back)}`);
  if (!user.mfaVerified) redirect(`/security/verify?next=${encodeURIComponent(back)}`);
  return user;
}

/**
 * The staff page this request asked for (RETURN_TO_HEADER, set by proxy.ts), when it is a same-origin
 * /staff address safeCallbackUrl keeps (at most 512 characters); else the queue, "/staff".
 */
async function staffReturnTo(): Promise<string> {
  const asked = safeCallbackUrl((await headers()).get(RETURN_TO_HEADER));
  return /^\/staff(?:[/?]|$)/.test(asked) ? asked : '/staff';
}

/** How many sessions of this user are still valid (not expired), on any device; for the profile page. */
export async function activeSessionCount(userId: string): Promise<number> {
  return db.session.count({ where: { userId, expires: { gt: new Date() } } });
}
