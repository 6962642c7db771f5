import Link from 'next/link';
import { getLocale, getTranslations } from 'next-intl/server';
import { AllowanceQueue } from '@/components/allowance/allowance-queue';
import { QueueList } from '@/components/staff/queue-list';
import { SearchResults } from '@/components/staff/search-results';
import { SyncIssues } from '@/components/staff/sync-issues';
import { requireStaff } from '@/lib/auth/session';
import { openSyncIssues } from '@/lib/blocks/queries';
import { listQueue } from '@/lib/requests/queue';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import { searchAccounts, searchCursor } from '@/lib/staff/search';
import { Section } from '@/components/ui/section';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;

export default async function StaffHome({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const t = await getTranslations('staff');
  const sp = await searchParams;
  const q = first(sp.q)?.trim() ?? '';
  // Keyset cursors of the queue and of the search results (lib/staff/cursor.ts).
  const queueAfter = readCursor(timeIdKey, first(sp.queueAfter));
  const searchAfter = readCursor(searchCursor, first(sp.searchAfter));
  const [queue, search, sync] = await Promise.all([
    listQueue(user, queueAfter.ok ? queueAfter.key : null, await getLocale()),
    q ? searchAccounts(user, q, searchAfter.ok ? searchAfter.key : null) : Promise.resolve(null),
    openSyncIssues(),
  ]);
  const link = (p: Record<string, string | null | undefined>) =>
    `/staff?${new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => !!e[1]))}`;
  const badCursor = !queueAfter.ok || !searchAfter.ok;
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      {badCursor ? <p role="status">{t('badCursor')}</p> : null}

      <Section id="search-title" title={t('home.search')}>
        <form role="search" action="/staff" method="get" className="flex flex-wrap items-end gap-3">
          <Field
            name="q"
            label={t('home.searchLabel')}
            type="search"
            defaultValue={q}
            minLength={2}
            className="w-80 max-w-full"
          />
          <SubmitButton>{t('home.searchButton')}</SubmitButton>
        </form>
        {search ? <SearchResults hits={search.hits} q={q} /> : null}
        {search && (search.next || searchAfter.key) ? (
          <nav aria-label={t('search.pages')} className="flex gap-4">
            {searchAfter.key ? (
              <Link href={link({ q, queueAfter: first(sp.queueAfter) })} className="text-blue-800 underline">
                {t('search.first')}
              </Link>
            ) : null}
            {search.next ? (
              <Link
                href={link({ q, searchAfter: search.next, queueAfter: first(sp.queueAfter) })}
                className="text-blue-800 underline"
              >
                {t('search.more')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Section>

      {sync.total ? (
        <Section id="sync-title" title={t('home.syncTitle', { count: sync.total })}>
          <p>{t('home.syncIntro')}</p>
          <SyncIssues items={sync.items} />
        </Section>
      ) : null}

      <Section id="queue-title" title={t('home.queueTitle', { count: queue.total })}>
        <p>
          {t('intro')}
          {queue.total > queue.shown && !queueAfter.key
            ? ` ${t('home.showingOldest', { count: queue.shown })}`
            : ''}
        </p>
        <QueueList items={queue.items} />
        {queue.next || queueAfter.key ? (
          <nav aria-label={t('home.queuePages')} className="flex gap-4">
            {queueAfter.key ? (
              <Link
                href={link({ q, searchAfter: first(sp.searchAfter) })}
                className="text-blue-800 underline"
              >
                {t('home.queueOldest')}
              </Link>
            ) : null}
            {queue.next ? (
              <Link
                href={link({ q, searchAfter: first(sp.searchAfter), queueAfter: queue.next })}
                className="text-blue-800 underline"
              >
                {t('home.queueLater')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Section>

      <AllowanceQueue user={user} />
    </div>
  );
}
