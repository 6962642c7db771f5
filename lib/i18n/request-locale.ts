import 'server-only';
import { cookies, headers } from 'next/headers';
import { LOCALE_COOKIE, type Locale, resolveLocale } from '@/lib/i18n/locales';

/**
 * The language of this request, the way pages choose it (i18n/request.ts): the signed-in `user`'s
 * saved choice, else this browser's Language cookie (LOCALE_COOKIE), else `Accept-Language`
 * (RFC 9110 §12.5.4), else English. For answers with no user to write to (a session that ended, a
 * sign-in form), pass no user. Only inside a request (reads next/headers).
 */
export async function requestLocale(
  user?: { locale: string; localeChosen?: boolean } | null,
): Promise<Locale> {
  return resolveLocale({
    user,
    cookie: (await cookies()).get(LOCALE_COOKIE)?.value,
    acceptLanguage: (await headers()).get('accept-language'),
  });
}
