'use server';
import { cookies } from 'next/headers';
import { z } from 'zod';
import { currentUser, secondFactorPending } from '@/lib/auth/session';
import { env } from '@/lib/server/env';
import { requestMeta } from '@/lib/server/request-meta';
import { LOCALE_COOKIE, LOCALES } from '@/lib/i18n/locales';
import { chooseLocale } from '@/lib/i18n/preference';
import { servesHttps } from '@/lib/server/http-url';

const schema = z.object({ locale: z.enum(LOCALES) });
const YEAR_SEC = 365 * 86_400;

/**
 * The header's and the profile's Language control (FormData `locale`: "en" | "es"). Anyone may use it:
 * the choice is kept in this browser's cookie, and for a signed-in user also on their login (the
 * language of their mail), once the session has passed its second factor (a half-signed-in session,
 * secondFactorPending, changes only this browser's cookie). Anything else posted changes nothing. The page re-renders in the new language.
 */
export async function chooseLocaleAction(form: FormData): Promise<void> {
  // Not a form (a hand-made POST: the action's id is public): nothing to read, nothing changes.
  if (!(form instanceof FormData)) return;
  const parsed = schema.safeParse({ locale: form.get('locale') });
  if (!parsed.success) return;
  const { locale } = parsed.data;
  (await cookies()).set(LOCALE_COOKIE, locale, {
    httpOnly: true,
    sameSite: 'lax',
    secure: servesHttps(env().APP_URL),
    path: '/',
    maxAge: YEAR_SEC,
  });
  const user = await currentUser();
  if (user && !secondFactorPending(user) && (user.locale !== locale || !user.localeChosen))
    await chooseLocale(user, locale, await requestMeta());
}
