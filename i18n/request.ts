import { getRequestConfig } from 'next-intl/server';
import { currentUser } from '@/lib/auth/session';

export const locales = ['en'] as const;

// One catalogue per locale (messages/<locale>.json). The user's own time zone formats every date.
export default getRequestConfig(async () => {
  const user = await currentUser().catch(() => null);
  const locale = user && (locales as readonly string[]).includes(user.locale) ? user.locale : 'en';
  return {
    locale,
    timeZone: user?.timeZone ?? 'UTC',
    messages: (await import(`../messages/${locale}.json`)).default,
  };
});
