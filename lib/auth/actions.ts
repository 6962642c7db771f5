'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { changePortalPassword } from '@/lib/auth/change-password';
import { signOut } from '@/lib/auth/config';
import { requestSignInLink } from '@/lib/auth/email-link';
import { DEVICE_COOKIE, deviceCookieOptions, knownDeviceId, newDeviceCookie } from '@/lib/auth/known-device';
import { LINK_BIND_COOKIE, LINK_BIND_PATH } from '@/lib/auth/link-binding';
import { redeemSignInLink } from '@/lib/auth/link-sign-in';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { currentUser } from '@/lib/auth/session';
import { attemptSignIn, signInSchema } from '@/lib/auth/sign-in';
import { db } from '@/lib/server/db';
import { env } from '@/lib/server/env';
import { requestMeta } from '@/lib/server/request-meta';
import { type ActionState, formToObject, userAction } from '@/lib/server/safe-action';

// The server actions of signing in and out and of the portal password: password sign-in, the
// emailed sign-in link (ask, continue), sign out here or everywhere, change the portal password.
// The second factor's actions are in lib/auth/mfa/actions.ts.

export async function signInAction(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  const t = await getTranslations('signIn');
  const raw = formToObject(form);
  const email = typeof raw.email === 'string' ? raw.email.slice(0, 254) : '';
  const parsed = signInSchema.safeParse(raw);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const i of parsed.error.issues) (fieldErrors[String(i.path[0])] ??= []).push(i.message);
    return { message: t('fixFields'), fieldErrors, values: { email } };
  }
  const jar = await cookies();
  const outcome = await attemptSignIn(parsed.data, await requestMeta(), {
    deviceCookie: jar.get(DEVICE_COOKIE)?.value,
  });
  if (!outcome.ok) {
    const minutes = Math.max(1, Math.ceil((outcome.retryAfterSec ?? 900) / 60));
    return {
      message: outcome.reason === 'throttled' ? t('throttled', { minutes }) : t('invalid'),
      values: { email },
    };
  }
  jar.set(DEVICE_COOKIE, outcome.deviceCookie, deviceCookieOptions(env().APP_URL));
  redirect(safeCallbackUrl(raw.callbackUrl));
}

/** "Email me a sign-in link": the same answer whether the address has a login or not. */
export async function emailLinkAction(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  const t = await getTranslations('signIn');
  const raw = formToObject(form);
  const email = typeof raw.email === 'string' ? raw.email.slice(0, 254) : '';
  const deviceCookie = (await cookies()).get(DEVICE_COOKIE)?.value;
  const outcome = await requestSignInLink(email, safeCallbackUrl(raw.callbackUrl), await requestMeta(), {
    deviceCookie,
  });
  if (outcome.ok) return { ok: true, message: t('linkSent'), values: { email } };
  if (outcome.reason === 'invalid')
    return {
      message: t('linkEmailMissing'),
      fieldErrors: { email: [t('linkEmailMissing')] },
      values: { email },
    };
  return {
    message: t('linkThrottled', { minutes: Math.max(1, Math.ceil((outcome.retryAfterSec ?? 3600) / 60)) }),
    values: { email },
  };
}

/** "Continue" on a sign-in link's page: uses the link in this browser, then lands on its destination. */
export async function continueLinkAction(
  _prev: ActionState | undefined,
  form: FormData,
): Promise<ActionState> {
  const raw = formToObject(form);
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 256) : '');
  const callbackUrl = safeCallbackUrl(raw.callbackUrl);
  const jar = await cookies();
  const outcome = await redeemSignInLink(
    { token: str(raw.token), proof: str(raw.proof), bindCookie: jar.get(LINK_BIND_COOKIE)?.value },
    await requestMeta(),
  );
  if (!outcome.ok && outcome.reason === 'unbound')
    return { message: (await getTranslations('signIn'))('linkUnbound') };
  if (!outcome.ok) redirect(`/sign-in?error=Verification&callbackUrl=${encodeURIComponent(callbackUrl)}`);
  jar.delete({ name: LINK_BIND_COOKIE, path: LINK_BIND_PATH });
  // The person proved they read this mailbox in this browser: it is a known device for this email now.
  if (!knownDeviceId(jar.get(DEVICE_COOKIE)?.value, outcome.email))
    jar.set(DEVICE_COOKIE, newDeviceCookie(outcome.email), deviceCookieOptions(env().APP_URL));
  redirect(callbackUrl);
}

/** Ends this session: the Session row goes (so the JWT is dead even if copied), then the cookie. */
export async function signOutAction(): Promise<void> {
  const user = await currentUser();
  if (user) {
    await db.session.deleteMany({ where: { id: user.sessionId } });
    await audit({ action: 'sign_out', actor: user, meta: await requestMeta() });
  }
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

/** Ends every session of this user, on every device, and every sign-in link still in their mail. */
export async function signOutEverywhereAction(): Promise<void> {
  const user = await currentUser();
  if (user) {
    const meta = await requestMeta();
    await db.$transaction(async (tx) => {
      const { count } = await tx.session.deleteMany({ where: { userId: user.id } });
      const linksRevoked = await revokeSignInLinks(tx, user.email);
      await audit(
        { action: 'sign_out.everywhere', actor: user, detail: { sessions: count, linksRevoked }, meta },
        tx,
      );
    });
  }
  await signOut({ redirect: false });
  redirect('/sign-in?signedOut=1');
}

const passwordSchema = z.object({
  current: z.string().min(1, 'Enter your current password.').max(1024),
  next: z.string().min(1, 'Enter a new password.').max(1024),
});

export const changePasswordAction = userAction(passwordSchema, async (input, { user, meta }) => {
  const t = await getTranslations('profile');
  const r = await changePortalPassword(user, input.current, input.next, meta);
  if (!r.ok) return { message: r.message, fieldErrors: { [r.field]: [r.message] } };
  return { ok: true, message: t('changed') };
});
