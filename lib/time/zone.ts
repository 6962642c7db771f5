import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { canonicalTimeZone } from '@/lib/time/format';

// Whose clock the pages use: the user's time zone, taken from the browser at sign-in (the sign-in
// forms carry it: components/ui/time-zone-field.tsx) and after it (the header's background report,
// components/time-zone-capture.tsx) until the user chooses one in the profile
// (User.timeZoneChosenAt), after which the choice stands.

/**
 * The `tz` field of a sign-in form (password, the emailed link's Continue, the second factor's
 * code): the browser's IANA zone as sent, at most 64 characters. Anything else (absent, not a
 * string, longer) reads as undefined: a bad zone never fails a sign-in, and adopting checks the
 * name itself (canonicalTimeZone).
 */
export const browserZoneField = z.string().max(64).optional().catch(undefined);

/**
 * Adopts the browser's IANA zone `tz` for the signed-in user unless they chose one in the profile.
 * Returns true when the stored zone changed (the page then re-renders in it); false for an unknown
 * zone, the same zone, or a chosen one. Not audited: no security state changes.
 */
export async function adoptBrowserTimeZone(userId: string, browserZone: string): Promise<boolean> {
  const tz = canonicalTimeZone(browserZone); // stored under the name the profile's list uses
  if (!tz) return false;
  const { count } = await db.user.updateMany({
    where: { id: userId, timeZoneChosenAt: null, timeZone: { not: tz } },
    data: { timeZone: tz },
  });
  return count === 1;
}

/**
 * Adopts the zone a password or a used sign-in link brought (`browserZone`, see browserZoneField) for
 * `user`, as adoptBrowserTimeZone does, unless the user has a second factor (`totpEnabledAt` set):
 * that session is half signed in (secondFactorPending in lib/auth/session.ts), and someone with only
 * the password must not change the zone the user's mail is written in (review 13). The code's form
 * carries the zone again, and a right code adopts it (verifySecondFactor in lib/auth/mfa/verify.ts).
 * Returns true when the stored zone changed.
 */
export async function adoptZoneAtSignIn(
  user: { id: string; totpEnabledAt: Date | null },
  browserZone: string | undefined,
): Promise<boolean> {
  if (!browserZone || user.totpEnabledAt !== null) return false;
  return adoptBrowserTimeZone(user.id, browserZone);
}

/** The user's own choice in the profile; it stands until they change it. Audited (who, from, to). */
export async function chooseTimeZone(user: CurrentUser, chosen: string, meta: RequestMeta): Promise<boolean> {
  const tz = canonicalTimeZone(chosen);
  if (!tz) return false;
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { timeZone: tz, timeZoneChosenAt: new Date() } });
    await audit(
      { action: 'profile.time_zone_changed', actor: user, detail: { from: user.timeZone, to: tz }, meta },
      tx,
    );
  });
  return true;
}

/** True while the user's zone follows the browser (never chosen in the profile). */
export async function timeZoneFollowsBrowser(userId: string): Promise<boolean> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { timeZoneChosenAt: true } });
  return u?.timeZoneChosenAt === null;
}
