import { getTranslations } from 'next-intl/server';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Link } from '@/components/ui/link';
import { dashboardHref, type DashboardParams } from '@/lib/accounts/dashboard-params';
import type { DashboardView } from '@/lib/accounts/dashboard';

/**
 * The page links under a dashboard of many accounts: "Previous page" and "Next page" (each only
 * where there is one, `rel` prev / next) around "Page n of m", in a navigation landmark named
 * "Pages of accounts". Each link keeps the view's filter and search (lib/accounts/dashboard-params.ts).
 */
export async function AccountPager({ view, params }: { view: DashboardView; params: DashboardParams }) {
  if (view.pages <= 1) return null;
  const t = await getTranslations('dashboard.many');
  return (
    <nav aria-label={t('pages')} className="flex flex-wrap items-center gap-4">
      {view.page > 1 ? (
        <Link href={dashboardHref(params, view.page - 1)} rel="prev" className={PAGE_LINK}>
          {t('previous')}
        </Link>
      ) : null}
      <span>{t('pageOf', { page: view.page, pages: view.pages })}</span>
      {view.page < view.pages ? (
        <Link href={dashboardHref(params, view.page + 1)} rel="next" className={PAGE_LINK}>
          {t('next')}
        </Link>
      ) : null}
    </nav>
  );
}
