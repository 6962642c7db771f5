'use server';
import { cookies } from 'next/headers';
import { getTranslations } from 'next-intl/server';
import type { ActionState } from '@/lib/actions/safe-action';
import { formToObject } from '@/lib/actions/safe-action';
import { requestSignInLink } from '@/lib/auth/email-link';
import { DEVICE_COOKIE } from '@/lib/auth/known-device';
import { safeCallbackUrl } from '@/lib/auth/sign-in';
import { requestMeta } from '@/lib/http/request-meta';

/** "Email me a sign-in link": the same answer whether the address has a login or not. */
export async function emailLinkAction(_prev: ActionState | undefined, form: FormData): Promise<ActionState> {
  const t = await getTranslations('signIn');
  const raw = formToObject(form);
  const email = typeof raw.email === 'string' ? raw.email.slice(0, 254) : '';
  const deviceCookie = (await cookies()).get(DEVICE_COOKIE)?.value;
  const outcome = await requestSignInLink(email, safeCallbackUrl(raw.callbackUrl), await requestMeta(), { deviceCookie });
  if (outcome.ok) return { ok: true, message: t('linkSent'), values: { email } };
  if (outcome.reason === 'invalid') return { message: t('linkEmailMissing'), fieldErrors: { email: [t('linkEmailMissing')] }, values: { email } };
  return { message: t('linkThrottled', { minutes: Math.max(1, Math.ceil((outcome.retryAfterSec ?? 3600) / 60)) }), values: { email } };
}
