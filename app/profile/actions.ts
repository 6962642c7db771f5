'use server';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { userAction } from '@/lib/actions/safe-action';
import { changePortalPassword } from '@/lib/users/change-password';
import { chooseTimeZone } from '@/lib/users/time-zone';

const schema = z.object({
  current: z.string().min(1, 'Enter your current password.').max(1024),
  next: z.string().min(1, 'Enter a new password.').max(1024),
});

export const changePasswordAction = userAction(schema, async (input, { user, meta }) => {
  const t = await getTranslations('profile');
  const r = await changePortalPassword(user, input.current, input.next, meta);
  if (!r.ok) return { message: r.message, fieldErrors: { [r.field]: [r.message] } };
  return { ok: true, message: t('changed') };
});

const tzSchema = z.object({ timeZone: z.string().min(1, 'Choose a time zone.').max(64) });

export const chooseTimeZoneAction = userAction(tzSchema, async (input, { user, meta }) => {
  if (!(await chooseTimeZone(user, input.timeZone, meta))) return { message: 'Choose a time zone from the list.', fieldErrors: { timeZone: ['Choose a time zone from the list.'] } };
  return { ok: true, message: `Times are now shown in ${input.timeZone.replace(/_/g, ' ')}.` };
});
