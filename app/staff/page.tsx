import { getTranslations } from 'next-intl/server';
import { AllowanceQueue } from '@/components/allowance/allowance-queue';
import { QueueList } from '@/components/staff/queue-list';
import { SearchResults } from '@/components/staff/search-results';
import { SyncIssues } from '@/components/staff/sync-issues';
import { requireStaff } from '@/lib/auth/session';
import { openSyncIssues } from '@/lib/blocks/queries';
import { listQueue } from '@/lib/requests/queue';
import { searchAccounts } from '@/lib/staff/search';
import { Section } from '@/components/ui/section';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';

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
        {hits ? <SearchResults hits={hits} q={q} /> : null}
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
          {queue.total > queue.shown ? ` ${t('home.showingOldest', { count: queue.shown })}` : ''}
        </p>
        <QueueList items={queue.items} />
      </Section>

      <AllowanceQueue user={user} />
    </div>
  );
}
