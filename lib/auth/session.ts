import 'server-only';
import { cache } from 'react';
import { notFound, redirect } from 'next/navigation';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { sessionIdFromCookie } from '@/lib/auth/session-token';
import { db } from '@/lib/server/db';
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
  if (!sid) return null;
  // Only the columns the request needs: no password hash or TOTP secret is loaded on every request.
  const row = await db.session.findUnique({
    where: { sessionToken: sid },
    select: {
      id: true,
      expires: true,
      mfaVerifiedAt: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          role: true,
          disabled: true,
          timeZone: true,
          locale: true,
          localeChosenAt: true,
          totpEnabledAt: true,
        },
      },
    },
  });
  if (!row || row.expires < new Date() || row.user.disabled) return null;
  const u = row.user;
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    timeZone: u.timeZone,
    locale: u.locale,
    localeChosen: u.localeChosenAt !== null,
    sessionId: row.id,
    mfaEnrolled: u.totpEnabledAt !== null,
    mfaVerified: row.mfaVerifiedAt !== null,
  };
});

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
  if (!opts.allowUnverified && user.mfaEnrolled && !user.mfaVerified)
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
 * verified second factor in this session are sent to enrol or verify first.
 */
export async function requireStaff(roles: readonly Role[] = STAFF_ROLES): Promise<CurrentUser> {
  const user = await requireUser('/staff', { allowUnverified: true });
  if (!roles.includes(user.role)) notFound();
  if (!user.mfaEnrolled) redirect('/security/two-factor?next=/staff');
  if (!user.mfaVerified) redirect('/security/verify?next=/staff');
  return user;
}

/** How many sessions of this user are still valid (not expired), on any device; for the profile page. */
export async function activeSessionCount(userId: string): Promise<number> {
  return db.session.count({ where: { userId, expires: { gt: new Date() } } });
}
