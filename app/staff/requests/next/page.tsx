import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Link } from '@/components/ui/link';
import { PageHead } from '@/components/ui/page-head';
import { nextRequest, nextRequestHref } from '@/lib/allowances/next';
import { requireStaff } from '@/lib/auth/session';
import { pageTitle } from '@/lib/i18n/page-title';
import { queueFilterParams, readQueueFilter } from '@/lib/requests/queue-filter';

export const generateMetadata = () => pageTitle('staff.desk.next');

type Params = Record<string, string | string[] | undefined>;

/**
 * "Next request" (docs/staff-console.md, "Taking a request"): the oldest waiting request that nobody
 * has taken (lib/allowances/next.ts nextRequest), looked up as the link is followed: an unblock
 * request of the queue's `kind` and `reason` if the link carries them, with `kind=allowance` an
 * allowance request, and with neither the older of the two kinds' oldest. It is opened where it is
 * decided (nextRequestHref: an unblock request on its own page, an allowance request at its card on
 * its account's staff page) with that filter in its address (only the filter's own values:
 * readQueueFilter, queueFilterParams), so a request page's own "Next request" keeps it. Opening takes
 * nothing ("Take next request" does, by a POST). When there is none, says so, with the way back to
 * the queue as filtered.
 */
export default async function NextRequest({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const { filter } = readQueueFilter(await searchParams);
  const back = new URLSearchParams(
    queueFilterParams({ kind: filter.kind, reason: filter.reason }),
  ).toString();
  const next = await nextRequest(user, filter);
  if (next) redirect(nextRequestHref(next, back));
  const t = await getTranslations('staff.desk');
  return (
    <div className="flex flex-col gap-4">
      <PageHead title={t('next')}>
        <p role="status">{t('noneFree')}</p>
      </PageHead>
      <p>
        <Link href={back ? `/staff?${back}` : '/staff'} className={PAGE_LINK}>
          {t('backToQueue')}
        </Link>
      </p>
    </div>
  );
}
