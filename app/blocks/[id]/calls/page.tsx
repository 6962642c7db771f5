import { Link } from '@/components/ui/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { TriggerCalls } from '@/components/block/trigger-calls';
import { PAGE_LINK } from '@/components/ui/button-class';
import { PageHead } from '@/components/ui/page-head';
import { requireUser } from '@/lib/auth/session';
import { blockCallsForUser, type CallCursor } from '@/lib/blocks/queries';
import { blockPageTitle } from '../own-block';
import { isRowId } from '@/lib/server/row-id';

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'app.meta.blockCalls');

type Search = Promise<Record<string, string | string[] | undefined>>;

/** A call id in a paging link (lib/server/row-id.ts); anything else starts at the first call. */
const callId = (v: string | string[] | undefined) => (isRowId(v) ? v : null);

/**
 * Every trigger call of a block, CALLS_PER_PAGE at a time (keyset paging, lib/blocks/queries.ts
 * blockCallsForUser): the block page lists only the latest ones and links here.
 */
export default async function BlockCallsPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Search;
}) {
  const [{ id }, q] = await Promise.all([params, searchParams]);
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}/calls`);
  const after = callId(q.after);
  const before = callId(q.before);
  const cursor: CallCursor = after ? { after } : before ? { before } : null;
  const page = await blockCallsForUser(user.id, id, cursor);
  if (!page) notFound();
  const t = await getTranslations('block');
  const base = `/blocks/${page.id}/calls`;
  const first = page.calls[0];
  const last = page.calls.at(-1);
  return (
    <div className="flex flex-col gap-6">
      <PageHead
        back={{ href: `/blocks/${page.id}`, label: t('allCalls.back') }}
        title={t('allCalls.title', { name: page.account.name, number: page.account.number })}
      >
        <p>
          {page.calls.length
            ? t('allCalls.range', {
                from: page.from,
                to: page.from + page.calls.length - 1,
                count: page.total,
              })
            : t('allCalls.none')}
        </p>
      </PageHead>
      <TriggerCalls block={page} />
      {page.hasEarlier || page.hasLater ? (
        <nav aria-label={t('allCalls.pages')} className="flex flex-wrap gap-4 text-sm">
          {page.hasEarlier && first ? (
            <>
              <Link href={base} className={PAGE_LINK}>
                {t('allCalls.first')}
              </Link>
              <Link href={`${base}?before=${first.id}`} className={PAGE_LINK}>
                {t('allCalls.earlier')}
              </Link>
            </>
          ) : null}
          {page.hasLater && last ? (
            <Link href={`${base}?after=${last.id}`} className={PAGE_LINK}>
              {t('allCalls.later')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </div>
  );
}
