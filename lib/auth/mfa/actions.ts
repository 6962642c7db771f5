'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { deviceLogin, giveDeviceCookie, keepDeviceKnown } from '@/lib/auth/known-device';
import { confirmEnrolment } from '@/lib/auth/mfa/enrol';
import { sendEnrolmentProof } from '@/lib/auth/mfa/enrol-proof';
import { moveSecondFactor } from '@/lib/auth/mfa/move';
import { replaceRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { verifySecondFactor } from '@/lib/auth/mfa/verify';
import { setSessionCookie } from '@/lib/auth/session-token';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { succeed } from '@/lib/server/outcome';
import { userAction } from '@/lib/server/safe-action';
import { hiddenText } from '@/lib/server/form-issues';
import { browserZoneField } from '@/lib/time/zone';

// The server actions of the second factor: verify a code for this session, confirm enrolment,
// move it to a new phone, replace the recovery codes. Each returns its domain's Outcome; the wrapper
// words it. Passing the second factor (verify, enrol) and moving it start a new session: the action
// gives the browser its cookie, and the new token never goes into what the action returns.

const verifySchema = z.object({
  code: z.string().trim().min(1, 'outcome.field.code').max(32),
  next: hiddenText(512).optional(),
  // The browser's zone, which the password step (or the sign-in link) left for this one.
  tz: browserZoneField,
});

export const verifyAction = userAction(
  verifySchema,
  async (input, { user, meta }) => {
    if (!user.mfaEnrolled) redirect('/security/two-factor');
    // Read before the code is checked: a revocation committed meanwhile leaves the cookie made from
    // it already stale (lib/auth/known-device.ts deviceLogin).
    const login = await deviceLogin({ id: user.id });
    const r = await verifySecondFactor(user, input.code, meta, input.tz);
    if (!r.ok) return r;
    await setSessionCookie(r.data!.session, user);
    // The sign-in is complete only now: the browser becomes a known device of the login (the
    // password step gives none to a login with a second factor: lib/auth/sign-in.ts).
    if (login) await giveDeviceCookie(login);
    redirect(safeCallbackUrl(input.next));
  },
  { allowUnverified: true },
);

const enrolSchema = z.object({
  code: z.string().trim().min(1, 'outcome.field.appCode').max(16),
  // The code mailed to the login for this session (lib/auth/mfa/enrol-proof.ts).
  mailCode: z.string().trim().min(1, 'outcome.field.mailCode').max(16),
  next: hiddenText(512).optional(),
});

export const enrolAction = userAction(
  enrolSchema,
  async (input, { user, meta }) => {
    const r = await confirmEnrolment(user, input.code, input.mailCode, meta);
    if (!r.ok) return r;
    await setSessionCookie(r.data!.session, user);
    // The enrolment moved the login's epoch; this browser, signed in past the new factor, stays known.
    await keepDeviceKnown(user.id, { sessionToken: r.data!.session.sessionToken });
    return succeed({ recoveryCodes: r.data!.recoveryCodes }, r.note);
  },
  // A refusal of the app's code keeps the emailed one typed (it is this session's own, used once).
  { echo: ['mailCode'] },
);

/** "Email me a code" on the set-up page: the code the enrolment asks for beside the authenticator's. */
export const sendEnrolmentProofAction = userAction(z.object({}), (_input, { user, meta }) =>
  sendEnrolmentProof(user, meta),
);

/**
 * "Move to a new phone" (lib/auth/mfa/move.ts): the new app's first code and the code mailed for this
 * session, from a session that passed the second factor (the wrapper refuses one that has not). The
 * profile page is rendered again, so its count of codes left says ten beside the ten shown.
 */
export const moveAction = userAction(
  // `shown`: which QR code the page showed (lib/auth/mfa/move.ts movePage); a stale page's is refused.
  enrolSchema.extend({ shown: hiddenText(128).optional() }),
  async (input, { user, meta }) => {
    const r = await moveSecondFactor(user, input.code, input.mailCode, input.shown, meta);
    if (!r.ok) return r;
    await setSessionCookie(r.data!.session, user);
    // The move moved the login's epoch (every other browser's cookie ends); this one stays known.
    await keepDeviceKnown(user.id, { sessionToken: r.data!.session.sessionToken });
    revalidatePath('/profile');
    return succeed({ recoveryCodes: r.data!.recoveryCodes }, r.note);
  },
  { echo: ['mailCode'] },
);

/** "Email me a code" on the move page: an enrolment code, asked for by a session past its second factor. */
export const sendMoveProofAction = userAction(z.object({}), (_input, { user, meta }) =>
  sendEnrolmentProof(user, meta, 'move'),
);

const codeSchema = z.object({ code: z.string().trim().min(1, 'outcome.field.appCode').max(32) });

/**
 * New recovery codes, confirmed with a current authenticator code (lib/auth/mfa/recovery.ts). The
 * profile page is rendered again, so its count of codes left says ten beside the ten shown.
 */
export const newRecoveryCodesAction = userAction(codeSchema, async (input, { user, meta }) => {
  const r = await replaceRecoveryCodes(user, input.code, meta);
  if (r.ok) {
    // The new codes moved the login's epoch and kept this session: this browser stays known.
    await keepDeviceKnown(user.id, { id: user.sessionId });
    revalidatePath('/profile');
  }
  return r;
});
