import { getRequestConfig } from 'next-intl/server';
import { currentUser } from '@/lib/auth/session';
import { requestFormatTag, requestLocale } from '@/lib/i18n/request-locale';

// One catalogue per language (messages/<language>.json), chosen by lib/i18n/request-locale.ts: the
// user's saved choice, else this browser's Language cookie, else Accept-Language, else English.
// next-intl's locale is the formatting tag (`es-MX`, `en-GB`: the reader's region, else their accounts'
// country), so every date, number and plural follows the reader's country; catalogueLocale reads the
// catalogue's language back from it. The user's own time zone formats every date.
export default getRequestConfig(async () => {
  const user = await currentUser().catch(() => null);
  const locale = await requestLocale(user);
  return {
    locale: await requestFormatTag(locale, user),
    timeZone: user?.timeZone ?? 'UTC',
    messages: (await import(`../messages/${locale}.json`)).default,
  };
});
