'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { type ActionState, formToObject } from '@/lib/actions/safe-action';
import { safeCallbackUrl } from '@/lib/auth/callback-url';
import { DEVICE_COOKIE, deviceCookieOptions, knownDeviceId, newDeviceCookie } from '@/lib/auth/known-device';
import { LINK_BIND_COOKIE, LINK_BIND_PATH } from '@/lib/auth/link-binding';
import { redeemSignInLink } from '@/lib/auth/link-sign-in';
import { env } from '@/lib/config/env';
import { requestMeta } from '@/lib/http/request-meta';

/** "Continue" on a sign-in link's page: uses the link in this browser, then lands on its destination. */
export async function continueLinkAction(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  const raw = formToObject(form);
  const str = (v: unknown) => (typeof v === 'string' ? v.slice(0, 256) : '');
  const callbackUrl = safeCallbackUrl(raw.callbackUrl);
  const jar = await cookies();
  const outcome = await redeemSignInLink({ token: str(raw.token), proof: str(raw.proof), bindCookie: jar.get(LINK_BIND_COOKIE)?.value }, await requestMeta());
  if (!outcome.ok && outcome.reason === 'unbound') return { message: (await getTranslations('signIn'))('linkUnbound') };
  if (!outcome.ok) redirect(`/sign-in?error=Verification&callbackUrl=${encodeURIComponent(callbackUrl)}`);
  jar.delete({ name: LINK_BIND_COOKIE, path: LINK_BIND_PATH });
  // The person proved they read this mailbox in this browser: it is a known device for this email now.
  if (!knownDeviceId(jar.get(DEVICE_COOKIE)?.value, outcome.email)) jar.set(DEVICE_COOKIE, newDeviceCookie(outcome.email), deviceCookieOptions(env().APP_URL));
  redirect(callbackUrl);
}
