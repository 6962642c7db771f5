import { getTranslations } from 'next-intl/server';
import { buttonClass, PAGE_LINK } from '@/components/ui/button-class';
import { Field } from '@/components/ui/field';
import { Link } from '@/components/ui/link';
import {
  DASHBOARD_PAGE_SIZE,
  DASHBOARD_SEARCH_MAX,
  type DashboardNote,
  type DashboardParams,
} from '@/lib/accounts/dashboard-params';
import type { DashboardView } from '@/lib/accounts/dashboard';

type Props = { view: DashboardView; params: DashboardParams; notes: DashboardNote[] };

/**
 * The head of a dashboard of many accounts (view.paged): how many of them are blocked and how many
 * more need the member's attention, a GET form (which accounts, and a search by account number or
 * name: the view is in the URL, so it works without JavaScript and can be bookmarked), and a live
 * region saying what the list below holds (its count changes as the filter, the search, the page or
 * the switch do) and what could not be read in the address (`notes`, a page past the end).
 */
export async function AccountFinder({ view, params, notes }: Props) {
  const t = await getTranslations('dashboard.many');
  const from = (view.page - 1) * DASHBOARD_PAGE_SIZE + 1;
  const to = from + view.accounts.length - 1;
  const filtered = params.show !== 'all' || params.q !== '';
  const typed = () => <bdi>{params.q}</bdi>;
  const result = !filtered
    ? t('range', { from, to, count: view.matching })
    : view.matching > 0
      ? t('found', { count: view.matching, from, to })
      : params.q
        ? t.rich('noneFound', { typed })
        : t('noneAttention');
  return (
    <section
      aria-labelledby="find-accounts"
      className="flex flex-col gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <h2 id="find-accounts" className="text-xl font-semibold">
        {t('title')}
      </h2>
      <p className="font-semibold">{t('blocked', { blocked: view.blocked, total: view.total })}</p>
      {view.attention > view.blocked ? (
        <p>{t('attention', { count: view.attention - view.blocked })}</p>
      ) : null}
      <form
        role="search"
        aria-labelledby="find-accounts"
        action="/"
        method="get"
        className="flex flex-wrap items-end gap-3"
      >
        <Field as="select" name="show" id="accounts-show" label={t('show')} defaultValue={params.show}>
          <option value="all">{t('showAll', { count: view.total })}</option>
          <option value="attention">{t('showAttention', { count: view.attention })}</option>
        </Field>
        <Field
          name="q"
          id="accounts-q"
          type="search"
          label={t('search')}
          hint={t('searchHint')}
          defaultValue={params.q}
          maxLength={DASHBOARD_SEARCH_MAX}
          className="w-72 max-w-full"
        />
        <button type="submit" className={buttonClass('primary')}>
          {t('submit')}
        </button>
      </form>
      <div role="status" aria-live="polite" aria-atomic="true" className="flex flex-col gap-1">
        {notes.map((n) => (
          <p key={n} className="text-amber-900">
            {n === 'searchCut' ? t('searchCut', { max: DASHBOARD_SEARCH_MAX }) : t('badPage')}
          </p>
        ))}
        {params.page > view.page ? (
          <p className="text-amber-900">{t('pastEnd', { asked: params.page, page: view.page })}</p>
        ) : null}
        <p>{result}</p>
      </div>
      {filtered ? (
        <p>
          <Link href="/" className={PAGE_LINK}>
            {t('clear')}
          </Link>
        </p>
      ) : null}
    </section>
  );
}
