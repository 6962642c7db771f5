import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { Link } from '@/components/ui/link';
import { PageHead } from '@/components/ui/page-head';
import { nextRequest } from '@/lib/allowances/next';
import { requireStaff, type CurrentUser } from '@/lib/auth/session';
import { pageTitle } from '@/lib/i18n/page-title';
import { queueFilterParams, readQueueFilter, type QueueFilter } from '@/lib/requests/queue-filter';

export const generateMetadata = () => pageTitle('staff.desk.next');

type Params = Record<string, string | string[] | undefined>;

/**
 * Where the oldest request of `filter` that nobody has taken is decided (lib/allowances/next.ts), or
 * null when none waits free: an unblock request on its own page; an allowance request on its account's
 * staff page, at its allowance card (the place the staff home's allowance list links to). `query`: the
 * filter as it travels on.
 */
async function placeOfNext(user: CurrentUser, filter: QueueFilter, query: string): Promise<string | null> {
  const q = query ? `?${query}` : '';
  const next = await nextRequest(user, filter);
  if (!next) return null;
  return next.kind === 'allowance'
    ? `/staff/accounts/${encodeURIComponent(next.accountNumber)}${q}#allowance-${next.id}`
    : `/staff/requests/${next.id}${q}`;
}

/**
 * "Next request" (docs/staff-console.md, "Taking a request"): the oldest waiting request that nobody
 * has taken, looked up as the link is followed: an unblock request of the queue's `kind` and
 * `reason` if the link carries them, with `kind=allowance` an allowance request, and with neither the
 * older of the two kinds' oldest. It is opened with
 * that filter in its address (only the filter's own values: readQueueFilter, queueFilterParams), so
 * a request page's own "Next request" keeps it. When there is none, says so, with the way back to
 * the queue as filtered.
 */
export default async function NextRequest({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const { filter } = readQueueFilter(await searchParams);
  const back = new URLSearchParams(
    queueFilterParams({ kind: filter.kind, reason: filter.reason }),
  ).toString();
  const place = await placeOfNext(user, filter, back);
  if (place) redirect(place);
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
