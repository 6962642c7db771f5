import { getRequestConfig } from 'next-intl/server';
import { currentUser } from '@/lib/auth/session';
import { requestLocale } from '@/lib/i18n/request-locale';

// One catalogue per locale (messages/<locale>.json), chosen by lib/i18n/request-locale.ts: the user's
// saved choice, else this browser's Language cookie, else Accept-Language, else English. The user's own
// time zone formats every date.
export default getRequestConfig(async () => {
  const user = await currentUser().catch(() => null);
  const locale = await requestLocale(user);
  return {
    locale,
    timeZone: user?.timeZone ?? 'UTC',
    messages: (await import(`../messages/${locale}.json`)).default,
  };
});
