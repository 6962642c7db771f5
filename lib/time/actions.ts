'use server';
import { z } from 'zod';
import { fail, succeed } from '@/lib/server/outcome';
import { userAction } from '@/lib/server/safe-action';
import { hiddenValue } from '@/lib/server/form-issues';
import { catalogueLocale } from '@/lib/i18n/locales';
import { canonicalTimeZone, zoneName, zoneNameKind } from '@/lib/time/format';
import { adoptBrowserTimeZone, chooseTimeZone } from '@/lib/time/zone';

// The browser's zone, sent by the page itself (no field anyone types in).
const schema = z.object({ tz: hiddenValue(64) });

/**
 * Called once per browser session by components/time-zone-capture.tsx with the browser's zone. Like
 * every userAction it refuses a session whose second factor is pending (the header does not report
 * the zone from such a session): the stored zone is the one the user's mail is written in.
 */
export const adoptBrowserTimeZoneAction = userAction(schema, async (input, { user }) => ({
  ok: await adoptBrowserTimeZone(user.id, input.tz),
}));

const tzSchema = z.object({
  timeZone: z.string().min(1, 'outcome.field.timeZone').max(64, 'outcome.field.timeZone'),
});

/** The profile's time zone form (FormData `timeZone`, an IANA zone); an unknown zone changes nothing. */
export const chooseTimeZoneAction = userAction(
  tzSchema,
  async (input, { user, meta }) => {
    const unknown = { key: 'outcome.field.timeZone' };
    if (!(await chooseTimeZone(user, input.timeZone, meta)))
      return fail<unknown>('invalid', unknown.key, undefined, { timeZone: [unknown] });
    // Named as stored (canonicalTimeZone: "europe/london" is kept as "Europe/London"), not as posted.
    const zone = canonicalTimeZone(input.timeZone) ?? input.timeZone;
    // Named as the page names it: by place, in the language the answer is written in (the user's);
    // UTC as "UTC", not "UTC time" (zoneNameKind).
    const name = zoneName(zone, catalogueLocale(user.locale));
    return succeed(undefined, {
      key: 'profile.timeZone.saved',
      values: { zone: name, kind: zoneNameKind(name) },
    });
  },
  // A failure keeps the zone chosen in the list (components/time-zone-form.tsx), not the stored one.
  { echo: ['timeZone'] },
);
