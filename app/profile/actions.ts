'use server';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { userAction } from '@/lib/actions/safe-action';
import { changePortalPassword } from '@/lib/users/change-password';

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
