import 'server-only';
import { cookies, headers } from 'next/headers';
import { browserRegion, formatTag, LOCALE_COOKIE, type Locale, resolveLocale } from '@/lib/i18n/locales';

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

/**
 * The BCP 47 tag this request's pages format with, for a reader of `locale` (formatTag): the region of
 * the browser's first language in `locale` (Accept-Language `es-MX` → es-MX), else the country of the
 * `user`'s accounts (CurrentUser.accountCountry: MX → es-MX), else the language's default (INTL_TAGS).
 * Outside a request (a worker, a test) there is no browser: the accounts' country, else the default.
 */
export async function requestFormatTag(
  locale: Locale,
  user?: { accountCountry?: string | null } | null,
): Promise<string> {
  let acceptLanguage: string | null = null;
  try {
    acceptLanguage = (await headers()).get('accept-language');
  } catch {
    // next/headers throws outside a request scope.
  }
  const region = browserRegion(acceptLanguage, locale);
  return formatTag(locale, [region, user?.accountCountry]);
}
