'use server';
import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import type { ActionState } from '@/lib/actions/safe-action';
import { formToObject } from '@/lib/actions/safe-action';
import { DEVICE_COOKIE, deviceCookieOptions } from '@/lib/auth/known-device';
import { attemptSignIn, safeCallbackUrl, signInSchema } from '@/lib/auth/sign-in';
import { env } from '@/lib/config/env';
import { requestMeta } from '@/lib/http/request-meta';
import { getTranslations } from 'next-intl/server';

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
  const outcome = await attemptSignIn(parsed.data, await requestMeta(), { deviceCookie: jar.get(DEVICE_COOKIE)?.value });
  if (!outcome.ok) {
    const minutes = Math.max(1, Math.ceil((outcome.retryAfterSec ?? 900) / 60));
    return { message: outcome.reason === 'throttled' ? t('throttled', { minutes }) : t('invalid'), values: { email } };
  }
  jar.set(DEVICE_COOKIE, outcome.deviceCookie, deviceCookieOptions(env().APP_URL));
  redirect(safeCallbackUrl(raw.callbackUrl));
}
