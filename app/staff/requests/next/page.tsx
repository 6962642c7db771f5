import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { Link } from '@/components/ui/link';
import { PageHead } from '@/components/ui/page-head';
import { requireStaff } from '@/lib/auth/session';
import { pageTitle } from '@/lib/i18n/page-title';
import { oldestNotTaken } from '@/lib/requests/queue';
import { queueFilterParams, readQueueFilter } from '@/lib/requests/queue-filter';

export const generateMetadata = () => pageTitle('staff.desk.next');

type Params = Record<string, string | string[] | undefined>;

/**
 * "Next request" (docs/staff-console.md, "Taking a request"): the oldest pending unblock request that
 * nobody has taken, of the queue's `kind` and `reason` if the link carries them, looked up as the link
 * is followed, and opened with that filter in its address, so its own "Next request" keeps it. When
 * there is none, says so, with the way back to the queue as filtered.
 */
export default async function NextRequest({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const { filter } = readQueueFilter(await searchParams);
  const kind = filter.kind === 'allowance' ? undefined : filter.kind;
  const id = await oldestNotTaken(user, { kind, reason: filter.reason });
  const back = new URLSearchParams(queueFilterParams({ kind, reason: filter.reason })).toString();
  if (id) redirect(`/staff/requests/${id}${back ? `?${back}` : ''}`);
  const t = await getTranslations('staff.desk');
  return (
    <div className="flex flex-col gap-4">
      <PageHead title={t('next')}>
        <p role="status">{t('noneFree')}</p>
      </PageHead>
      <p>
        <Link href={back ? `/staff?${back}` : '/staff'} className="text-blue-800 underline">
          {t('backToQueue')}
        </Link>
      </p>
    </div>
  );
}
