import { getRequestConfig } from 'next-intl/server';
import { currentUser, secondFactorPending } from '@/lib/auth/session';
import { requestFormatTag, requestLocale } from '@/lib/i18n/request-locale';

// One catalogue per language (messages/<language>.json), chosen by lib/i18n/request-locale.ts: the
// user's saved choice, else this browser's Language cookie, else Accept-Language, else English.
// next-intl's locale is the formatting tag (`es-MX`, `en-GB`: the reader's region, else their accounts'
// country), so every date, number and plural follows the reader's country; catalogueLocale reads the
// catalogue's language back from it. The user's own time zone formats every date.
// A session whose second factor is pending (lib/auth/session.ts secondFactorPending) is read in the
// user's chosen language, but not told their stored zone or their accounts' country: next-intl's
// client provider puts both in every page of the layouts that render it, the code prompt's included.
export default getRequestConfig(async () => {
  const user = await currentUser().catch(() => null);
  const reader = user && !secondFactorPending(user) ? user : null;
  const locale = await requestLocale(user);
  return {
    locale: await requestFormatTag(locale, reader),
    timeZone: reader?.timeZone ?? 'UTC',
    messages: (await import(`../messages/${locale}.json`)).default,
  };
});
