import { Link } from '@/components/ui/link';
import { after } from 'next/server';
import { getLocale, getTranslations } from 'next-intl/server';
import { signOutAction } from '@/lib/auth/actions';
import { adoptBrowserTimeZoneAction } from '@/lib/time/actions';
import { LanguageForm } from '@/components/language-form';
import { TimeZoneCapture } from '@/components/time-zone-capture';
import { isStaff } from '@/lib/auth/roles';
import { TARGET_SIZE } from '@/components/ui/button-class';
import { currentUser, secondFactorPending } from '@/lib/auth/session';
import { catalogueLocale } from '@/lib/i18n/locales';
import { adoptBrowserLocale } from '@/lib/i18n/preference';

export async function AppHeader() {
  const t = await getTranslations('app');
  // A database that does not answer (lib/server/db/pg-limits.ts ends the wait) fails the page inside
  // this layout, which shows app/error.tsx in the reader's language; thrown here, in the root layout,
  // it reached Next's own English-only "This page couldn't load" (scripts/ops-lab/db-hang.ts).
  const user = await currentUser().catch(() => null);
  const locale = catalogueLocale(await getLocale());
  // A session whose second factor is pending writes nothing to the user's preferences (language,
  // zone) and is not shown the staff link (the login's role): that could be someone with the
  // password only (lib/auth/session.ts secondFactorPending).
  const mayWrite = user !== null && !secondFactorPending(user);
  // Mail follows the language the user reads the portal in until they choose one (lib/i18n/preference.ts).
  if (user && mayWrite && !user.localeChosen && user.locale !== locale)
    after(() => adoptBrowserLocale(user.id, locale));
  // Every link and button here is a touch target of TARGET_SIZE (WCAG 2.2 SC 2.5.8): on a phone the
  // text-sm links were 20 px tall. Rows of 44 px need no gap between them when the header wraps.
  const link = `${TARGET_SIZE} inline-flex items-center underline-offset-4 hover:underline`;
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-x-3 gap-y-1 px-4 py-2 sm:py-3">
        <Link href="/" className={`${TARGET_SIZE} inline-flex items-center text-lg font-bold text-blue-900`}>
          {/* One flex item, so the space before the tagline is kept. */}
          <span>
            {t('name')}{' '}
            <span className="hidden text-sm font-normal text-slate-600 sm:inline">· {t('tagline')}</span>
          </span>
        </Link>
        {user ? (
          <nav aria-label={t('nav.mainNav')} className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm">
            <Link href="/" className={link}>
              {t('nav.dashboard')}
            </Link>
            {mayWrite && isStaff(user) ? (
              <Link href="/staff" className={link}>
                {t('nav.staff')}
              </Link>
            ) : null}
            <Link href="/profile" className={link}>
              {t('nav.profile')}
            </Link>
            <form action={signOutAction}>
              <button
                type="submit"
                className={`${TARGET_SIZE} rounded-md border border-slate-400 px-3 py-1 hover:bg-slate-100`}
              >
                {t('nav.signOut')}
              </button>
            </form>
            {mayWrite ? (
              <TimeZoneCapture stored={user.timeZone} action={adoptBrowserTimeZoneAction} userId={user.id} />
            ) : null}
          </nav>
        ) : null}
        <LanguageForm />
      </div>
    </header>
  );
}
