import { redirect } from 'next/navigation';
import { getNow, getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { AccountFinder } from '@/components/account-finder';
import { AccountPager } from '@/components/account-pager';
import { AutoRefresh } from '@/components/auto-refresh';
import { dashboardView } from '@/lib/accounts/dashboard';
import { earliestBusyUntil } from '@/lib/accounts/unsettled';
import { dashboardQuery, readDashboardParams } from '@/lib/accounts/dashboard-params';
import { isStaff } from '@/lib/auth/roles';
import { requireUser } from '@/lib/auth/session';
import { pageTitle } from '@/lib/i18n/page-title';
import { versionOf } from '@/lib/server/version';

export const generateMetadata = () => pageTitle('dashboard.title');

type Params = Record<string, string | string[] | undefined>;

/**
 * The customer's accounts, those that need them first (a block in force, then a change or request
 * still waiting: lib/accounts/dashboard.ts). A member of more than 20 (a reseller, an IT contractor)
 * also gets the counts, a filter and a search, and pages of 20 (`?show=attention&q=…&page=2`,
 * lib/accounts/dashboard-params.ts); with fewer the page is the same list as always. Staff with no
 * account of their own (every agent and admin who signed in from the sign-in page, or from a link
 * without a staff address) are sent to the support console: this page would only tell them to ask
 * their provider to add them.
 */
export default async function Dashboard({ searchParams }: { searchParams?: Promise<Params> }) {
  const user = await requireUser('/');
  const t = await getTranslations('dashboard');
  // Rendered without a URL's parameters too (bench/pages-ablation.ts `<Dashboard />`): the first page.
  const { params, notes } = readDashboardParams((await searchParams) ?? {});
  const view = await dashboardView(user.id, params);
  if (view.total === 0 && isStaff(user)) redirect('/staff');
  const query = dashboardQuery(params);
  // A change on its way to the switch (a lift, or support's manual block): its answer is news the
  // member waits for, so the page asks as often as a waiting block page does until it comes.
  const waiting = view.accounts.some((a) => a.blockOnItsWay || a.activeBlock?.status === 'lift_pending');
  // The earliest "set a new one from <time>" the page shows (a change the switch answered busy): at
  // that time the open page renders once more, to say what is true then (UnsettledLine), measured
  // from this render's time, the one its lines were compared with (next-intl's getNow).
  const now = await getNow();
  const busyEnds = earliestBusyUntil(
    view.accounts.flatMap((a) => a.credentials),
    now,
  );
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      {/* The switch places and lifts blocks on its own (a fraud wave blocks several accounts at once):
          the open page follows within half a minute, never while the tab is hidden, asking a
          short question each time (the fingerprint of this same view: one page of accounts and the
          counts) and rendering again only when the answer changed; every 2 to 10 s while a change
          shown on this page waits for the switch. */}
      {view.total > 0 ? (
        <AutoRefresh
          everyMs={waiting ? 2000 : 5000}
          maxMs={waiting ? 10_000 : 30_000}
          watch={{
            url: query ? `/api/version/dashboard?${query}` : '/api/version/dashboard',
            version: versionOf(view),
          }}
          renderAgainInMs={busyEnds ? busyEnds.getTime() - now.getTime() : undefined}
        />
      ) : null}
      {view.paged ? <AccountFinder view={view} params={params} notes={notes} /> : null}
      {view.total === 0 ? (
        <p>{t('none')}</p>
      ) : (
        view.accounts.map((a) => <AccountCard key={a.id} account={a} />)
      )}
      {view.paged ? <AccountPager view={view} params={params} /> : null}
    </div>
  );
}
