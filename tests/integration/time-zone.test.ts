import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { canonicalTimeZone, timeZones } from '@/lib/time/format';
import { adoptBrowserTimeZone, chooseTimeZone, timeZoneFollowsBrowser } from '@/lib/time/zone';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

describe.each(dialects())('the user’s time zone, %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  const user = async (): Promise<CurrentUser> => {
    const u = await getDb().user.create({ data: { email: uniqueEmail('tz', 'test.example') } });
    return asUser(u);
  };
  const zoneOf = async (id: string) => (await getDb().user.findUniqueOrThrow({ where: { id } })).timeZone;

  it('follows the browser until the user chooses a zone, then keeps the choice', async () => {
    const u = await user();
    expect(await zoneOf(u.id)).toBe('UTC');
    expect(await adoptBrowserTimeZone(u.id, 'Europe/Madrid')).toBe(true);
    expect(await zoneOf(u.id)).toBe('Europe/Madrid');
    expect(await adoptBrowserTimeZone(u.id, 'Europe/Madrid')).toBe(false);
    expect(await timeZoneFollowsBrowser(u.id)).toBe(true);

    expect(await chooseTimeZone({ ...u, timeZone: 'Europe/Madrid' }, 'America/New_York', meta)).toBe(true);
    expect(await timeZoneFollowsBrowser(u.id)).toBe(false);
    expect(await adoptBrowserTimeZone(u.id, 'Asia/Tokyo')).toBe(false);
    expect(await zoneOf(u.id)).toBe('America/New_York');
    const entry = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'profile.time_zone_changed', actorId: u.id },
    });
    expect(JSON.parse(entry.detail!)).toEqual({ from: 'Europe/Madrid', to: 'America/New_York' });
  });

  it('stores a zone under the name the profile lists, whatever alias the browser sent', async () => {
    const u = await user();
    const listed = canonicalTimeZone('Asia/Kolkata');
    expect(timeZones()).toContain(listed);
    expect(await adoptBrowserTimeZone(u.id, 'Asia/Kolkata')).toBe(true);
    expect(await zoneOf(u.id)).toBe(listed);
    // The same zone under its other name is no change.
    expect(await adoptBrowserTimeZone(u.id, 'Asia/Calcutta')).toBe(false);
    expect(await chooseTimeZone(u, 'America/Argentina/Buenos_Aires', meta)).toBe(true);
    expect(timeZones()).toContain(await zoneOf(u.id));
  });

  it('refuses what is not a time zone and changes nothing', async () => {
    const u = await user();
    expect(await adoptBrowserTimeZone(u.id, 'Mars/Olympus')).toBe(false);
    expect(await chooseTimeZone(u, "'; DROP TABLE User; --", meta)).toBe(false);
    expect(await zoneOf(u.id)).toBe('UTC');
    expect(await timeZoneFollowsBrowser(u.id)).toBe(true);
  });
});
