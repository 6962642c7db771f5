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
 * The BCP 47 tag this request's pages format with, for a reader of `locale` (readerFormatTag, with
 * this request's Accept-Language). Outside a request (a worker, a test) there is no browser: the
 * accounts' country, else the default.
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
  return readerFormatTag(locale, acceptLanguage, user);
}

/**
 * The BCP 47 tag a reader of `locale` reads dates, times and numbers in on a page (formatTag): the
 * country of the `user`'s accounts (CurrentUser.accountCountry, when all of them are in one: MX →
 * es-MX), else the region of the browser's first language in `locale` (`acceptLanguage` es-MX →
 * es-MX), else the language's default (INTL_TAGS). The accounts' country first because mail has no
 * browser to ask: it is written for that country (lib/mail/render.ts), and a page must read its
 * times as the mail about them does (tester, 2026-12: a browser in es-MX read "11:31 p.m." on the
 * pages and "23:31" in the mail about an account in Spain). Pure.
 */
export function readerFormatTag(
  locale: Locale,
  acceptLanguage: string | null,
  user?: { accountCountry?: string | null } | null,
): string {
  return formatTag(locale, [user?.accountCountry, browserRegion(acceptLanguage, locale)]);
}
