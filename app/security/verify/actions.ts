'use server';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { userAction } from '@/lib/actions/safe-action';
import { verifySecondFactor } from '@/lib/mfa/verify';

const schema = z.object({ code: z.string().trim().min(1, 'Enter the code.').max(32), next: z.string().max(512).optional() });

export const verifyAction = userAction(schema, async (input, { user, meta }) => {
  const t = await getTranslations('mfa');
  const outcome = await verifySecondFactor(user, input.code, meta);
  if (outcome === 'ok') redirect(safeCallbackUrl(input.next));
  if (outcome === 'not_enrolled') redirect('/security/two-factor');
  const message = t(outcome);
  return { message, fieldErrors: { code: [message] } };
}, { allowUnverified: true });
