'use server';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { userAction } from '@/lib/actions/safe-action';
import { replaceRecoveryCodes } from '@/lib/mfa/recovery';
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

const codeSchema = z.object({ code: z.string().trim().min(1, 'Enter the code from your app.').max(32) });

/** New recovery codes, confirmed with a current authenticator code (lib/mfa/recovery.ts). */
export const newRecoveryCodesAction = userAction(codeSchema, async (input, { user, meta }) => {
  const t = await getTranslations('profile');
  const tm = await getTranslations('mfa');
  const r = await replaceRecoveryCodes(user, input.code, meta);
  if (r.ok) return { ok: true, message: t('recoveryReplaced'), data: { recoveryCodes: r.recoveryCodes } };
  const message = r.reason === 'not_enrolled' ? t('mfaOff') : r.reason === 'malformed' ? tm('malformedTotp') : tm(r.reason);
  return { message, fieldErrors: { code: [message] } };
});
