import 'server-only';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { isLocale, type Locale } from '@/lib/i18n/locales';

// Which language mail is written in: User.locale. Until one is chosen (User.localeChosenAt: by the user
// in the header or profile, or by the operator's `create-user --locale`, lib/accounts/commands.ts), it
// follows what the browser shows them, so a customer who only ever reads Spanish pages gets Spanish mail.
// A chosen language is also the language of the user's pages, whatever the browser says
// (lib/i18n/locales.ts resolveLocale).

/**
 * Stores `locale` (the one the page was just shown in) for a user whose language nobody chose (neither
 * they nor the operator). Returns true when it changed; false for a chosen language, the same one, or
 * an unknown value. Not audited.
 */
export async function adoptBrowserLocale(userId: string, locale: string): Promise<boolean> {
  if (!isLocale(locale)) return false;
  const { count } = await db.user.updateMany({
    where: { id: userId, localeChosenAt: null, locale: { not: locale } },
    data: { locale },
  });
  return count === 1;
}

/** The user's own choice (profile or header); it stands until they change it. Audited (from, to). */
export async function chooseLocale(user: CurrentUser, locale: Locale, meta: RequestMeta): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { locale, localeChosenAt: new Date() } });
    await audit(
      { action: 'profile.locale_changed', actor: user, detail: { from: user.locale, to: locale }, meta },
      tx,
    );
  });
}
