import { Link } from '@/components/ui/link';
import { after } from 'next/server';
import { getLocale, getTranslations } from 'next-intl/server';
import { signOutAction } from '@/lib/auth/actions';
import { adoptBrowserTimeZoneAction } from '@/lib/time/actions';
import { LanguageForm } from '@/components/language-form';
import { TimeZoneCapture } from '@/components/time-zone-capture';
import { isStaff } from '@/lib/auth/roles';
import { currentUser, secondFactorPending } from '@/lib/auth/session';
import { catalogueLocale } from '@/lib/i18n/locales';
import { adoptBrowserLocale } from '@/lib/i18n/preference';

export async function AppHeader() {
  const t = await getTranslations('app');
  const user = await currentUser();
  const locale = catalogueLocale(await getLocale());
  // A session whose second factor is pending writes nothing to the user's preferences (language,
  // zone): that could be someone with the password only (lib/auth/session.ts secondFactorPending).
  const mayWrite = user !== null && !secondFactorPending(user);
  // Mail follows the language the user reads the portal in until they choose one (lib/i18n/preference.ts).
  if (user && mayWrite && !user.localeChosen && user.locale !== locale)
    after(() => adoptBrowserLocale(user.id, locale));
  return (
    <header className="border-b border-slate-200 bg-white">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-3">
        <Link href="/" className="text-lg font-bold text-blue-900">
          {t('name')}{' '}
          <span className="hidden text-sm font-normal text-slate-600 sm:inline">· {t('tagline')}</span>
        </Link>
        {user ? (
          <nav aria-label={t('nav.mainNav')} className="flex flex-wrap items-center gap-4 text-sm">
            <Link href="/" className="underline-offset-4 hover:underline">
              {t('nav.dashboard')}
            </Link>
            {isStaff(user) ? (
              <Link href="/staff" className="underline-offset-4 hover:underline">
                {t('nav.staff')}
              </Link>
            ) : null}
            <Link href="/profile" className="underline-offset-4 hover:underline">
              {t('nav.profile')}
            </Link>
            <form action={signOutAction}>
              <button
                type="submit"
                className="rounded-md border border-slate-400 px-3 py-1 hover:bg-slate-100"
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
