'use server';
import { z } from 'zod';
import { userAction } from '@/lib/actions/safe-action';
import { confirmEnrolment } from '@/lib/mfa/enrol';

const schema = z.object({ code: z.string().trim().min(1, 'Enter the code from your app.').max(16), next: z.string().max(512).optional() });

export const enrolAction = userAction(schema, async (input, { user, meta }) => {
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
