'use server';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { confirmEnrolment } from '@/lib/auth/mfa/enrol';
import { replaceRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { verifySecondFactor } from '@/lib/auth/mfa/verify';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { userAction } from '@/lib/server/safe-action';

// The server actions of the second factor: verify a code for this session, confirm enrolment,
// replace the recovery codes.

const verifySchema = z.object({
  code: z.string().trim().min(1, 'Enter the code.').max(32),
  next: z.string().max(512).optional(),
});

export const verifyAction = userAction(
  verifySchema,
  async (input, { user, meta }) => {
    const t = await getTranslations('mfa');
    const outcome = await verifySecondFactor(user, input.code, meta);
    if (outcome === 'ok') redirect(safeCallbackUrl(input.next));
    if (outcome === 'not_enrolled') redirect('/security/two-factor');
    const message = t(outcome);
    return { message, fieldErrors: { code: [message] } };
  },
  { allowUnverified: true },
);

const enrolSchema = z.object({
  code: z.string().trim().min(1, 'Enter the code from your app.').max(16),
  next: z.string().max(512).optional(),
});

export const enrolAction = userAction(enrolSchema, async (input, { user, meta }) => {
  const r = await confirmEnrolment(user, input.code, meta);
  if (!r.ok) {
    const msg = {
      throttled: 'Too many wrong codes. Try again in a few minutes.',
      wrong: 'That code is not correct. Scan the QR code again and enter the current code.',
      malformed: 'Enter the 6-digit code your app shows (spaces and dashes are fine).',
    }[r.reason];
    return { message: msg, fieldErrors: { code: [msg] } };
  }
  return { ok: true, message: 'Two-factor authentication is on.', data: { recoveryCodes: r.recoveryCodes } };
});

const codeSchema = z.object({ code: z.string().trim().min(1, 'Enter the code from your app.').max(32) });

/** New recovery codes, confirmed with a current authenticator code (lib/auth/mfa/recovery.ts). */
export const newRecoveryCodesAction = userAction(codeSchema, async (input, { user, meta }) => {
  const t = await getTranslations('profile');
  const tm = await getTranslations('mfa');
  const r = await replaceRecoveryCodes(user, input.code, meta);
  if (r.ok) return { ok: true, message: t('recoveryReplaced'), data: { recoveryCodes: r.recoveryCodes } };
  const message =
    r.reason === 'not_enrolled' ? t('mfaOff') : r.reason === 'malformed' ? tm('malformedTotp') : tm(r.reason);
  return { message, fieldErrors: { code: [message] } };
});
