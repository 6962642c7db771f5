'use server';
import { z } from 'zod';
import { userAction } from '@/lib/server/safe-action';
import { adoptBrowserTimeZone, chooseTimeZone } from '@/lib/time/zone';

const schema = z.object({ tz: z.string().min(1).max(64) });

/** Called once per browser session by components/time-zone-capture.tsx with the browser's zone. */
export const adoptBrowserTimeZoneAction = userAction(
  schema,
  async (input, { user }) => ({ ok: await adoptBrowserTimeZone(user.id, input.tz) }),
  { allowUnverified: true },
);

const tzSchema = z.object({ timeZone: z.string().min(1, 'Choose a time zone.').max(64) });

export const chooseTimeZoneAction = userAction(tzSchema, async (input, { user, meta }) => {
  if (!(await chooseTimeZone(user, input.timeZone, meta)))
    return {
      message: 'Choose a time zone from the list.',
      fieldErrors: { timeZone: ['Choose a time zone from the list.'] },
    };
  return { ok: true, message: `Times are now shown in ${input.timeZone.replace(/_/g, ' ')}.` };
});
