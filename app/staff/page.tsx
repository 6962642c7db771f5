import { getTranslations } from 'next-intl/server';
import { AllowanceQueue } from '@/components/allowance/allowance-queue';
import { QueueList } from '@/components/staff/queue-list';
import { SearchResults } from '@/components/staff/search-results';
import { SyncIssues } from '@/components/staff/sync-issues';
import { requireStaff } from '@/lib/auth/session';
import { openSyncIssues } from '@/lib/blocks/queries';
import { listQueue } from '@/lib/requests/queue';
import { searchAccounts } from '@/lib/staff/search';

export default async function StaffHome({
  searchParams,
}: {
  searchParams: Promise<{ q?: string | string[] }>;
}) {
  const user = await requireStaff();
  const t = await getTranslations('staff');
  const raw = (await searchParams).q;
  const q = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  const [queue, hits, sync] = await Promise.all([
    listQueue(user),
    q ? searchAccounts(user, q) : Promise.resolve(null),
    openSyncIssues(),
  ]);
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">{t('title')}</h1>

      <section aria-labelledby="search-title" className="flex flex-col gap-3">
        <h2 id="search-title" className="text-xl font-semibold">
          {t('home.search')}
        </h2>
        <form role="search" action="/staff" method="get" className="flex flex-wrap items-end gap-3">
          <div className="flex flex-col gap-1">
            <label htmlFor="q" className="font-medium">
              {t('home.searchLabel')}
            </label>
            <input
              id="q"
              name="q"
              type="search"
              defaultValue={q}
              minLength={2}
              className="w-80 max-w-full rounded-md border border-slate-400 px-3 py-2"
            />
          </div>
          <button
            type="submit"
            className="rounded-md bg-blue-800 px-4 py-2 font-semibold text-white hover:bg-blue-900"
          >
            {t('home.searchButton')}
          </button>
        </form>
        {hits ? <SearchResults hits={hits} q={q} /> : null}
      </section>

      {sync.total ? (
        <section aria-labelledby="sync-title" className="flex flex-col gap-3">
          <h2 id="sync-title" className="text-xl font-semibold">
            {t('home.syncTitle', { count: sync.total })}
          </h2>
          <p>{t('home.syncIntro')}</p>
          <SyncIssues items={sync.items} />
        </section>
      ) : null}

      <section aria-labelledby="queue-title" className="flex flex-col gap-3">
        <h2 id="queue-title" className="text-xl font-semibold">
          {t('home.queueTitle', { count: queue.total })}
        </h2>
        <p>
          {t('intro')}
          {queue.total > queue.shown ? ` ${t('home.showingOldest', { count: queue.shown })}` : ''}
        </p>
        <QueueList items={queue.items} />
      </section>

      <AllowanceQueue user={user} />
    </div>
  );
}
