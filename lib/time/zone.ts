import 'server-only';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { canonicalTimeZone } from '@/lib/time/format';

// Whose clock the pages use: the user's time zone, taken from the browser after sign-in until the
// user chooses one in the profile (User.timeZoneChosenAt), after which the choice stands.

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
