import { cookies, headers } from 'next/headers';
import { getRequestConfig } from 'next-intl/server';
import { currentUser } from '@/lib/auth/session';
import { LOCALE_COOKIE, resolveLocale } from '@/lib/i18n/locales';

// One catalogue per locale (messages/<locale>.json), chosen by lib/i18n/locales.ts: the user's saved
// choice, else this browser's Language cookie, else Accept-Language, else English. The user's own time
// zone formats every date.
export default getRequestConfig(async () => {
  const user = await currentUser().catch(() => null);
  const locale = resolveLocale({
    user,
    cookie: (await cookies()).get(LOCALE_COOKIE)?.value,
    acceptLanguage: (await headers()).get('accept-language'),
  });
  return {
    locale,
    timeZone: user?.timeZone ?? 'UTC',
    messages: (await import(`../messages/${locale}.json`)).default,
  };
});
