import { useFormatter, useTranslations } from 'next-intl';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Section } from '@/components/ui/section';
import type { BlockHistory, BlockHistoryItem } from '@/lib/accounts/block-history';
import { ZONED, ZONED_SECONDS } from '@/lib/time/format';

/** The id of the history's heading: the dashboard's "Block history" link (`/accounts/{n}#history`) and the pager's. */
export const HISTORY_ID = 'history';

/**
 * An account's block history on its page (lib/accounts/block-history.ts blockHistoryForUser), a
 * region named by its heading: each block's time placed (to the second, as the block page's list of
 * other open blocks: a fraud wave places several within a minute) as the link to its page, its
 * status in the block page's words (in force; being lifted; lifted when and how) with its unblock
 * requests (the link's description), and its reason in the customer's words. Newest first, a page at
 * a time: "N older blocks are not listed here" links to the next page, `base?history={last id}`
 * (`base`: the account page's own path), and a later page links back to the newest. "No blocks yet."
 * for an account never blocked. Times in the reader's zone (lib/time/format.ts).
 */
export function AccountHistory({ history, base }: { history: BlockHistory; base: string }) {
  const t = useTranslations('account.history');
  const tr = useTranslations('reasons');
  const format = useFormatter();
  const last = history.items.at(-1);
  const paged = history.from > 1 || history.more > 0;
  return (
    <Section id={HISTORY_ID} title={t('title')}>
      {last ? (
        <>
          <p>
            {paged
              ? t('range', {
                  from: history.from,
                  to: history.from + history.items.length - 1,
                  count: history.total,
                })
              : t('newestFirst')}{' '}
            {t('intro')}
          </p>
          <ul aria-labelledby={HISTORY_ID} className="flex flex-col gap-3">
            {history.items.map((b) => (
              <li key={b.id} className="rounded-md border border-slate-200 bg-white p-3">
                <Link
                  href={`/blocks/${b.id}`}
                  aria-describedby={`history-${b.id}`}
                  className="font-medium text-blue-800 underline"
                >
                  {t('placed', { at: format.dateTime(b.placedAt, ZONED_SECONDS) })}
                </Link>
                <p id={`history-${b.id}`} className="text-sm">
                  <HistoryStatus block={b} />
                  {' · '}
                  <HistoryRequests block={b} />
                </p>
                <p className="text-sm text-slate-700">{tr(b.reason)}</p>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{t('empty')}</p>
      )}
      {last && paged ? (
        <nav aria-label={t('pages')} className="flex flex-wrap items-center gap-x-4 text-sm">
          {history.more > 0 ? (
            <>
              <span>{t('more', { count: history.more })}</span>
              <Link href={`${base}?history=${last.id}#${HISTORY_ID}`} className={PAGE_LINK}>
                {t('older')}
              </Link>
            </>
          ) : null}
          {history.from > 1 ? (
            <Link href={`${base}#${HISTORY_ID}`} className={PAGE_LINK}>
              {t('newest')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </Section>
  );
}

/**
 * A block's status in the block page's words: "In force" and "Being lifted: waiting for the switch to
 * confirm" (block.openBlocks.status, as the block page's list of open blocks says them), or when and
 * how it was lifted (a lift the switch confirmed: the portal shows no other).
 */
function HistoryStatus({ block: b }: { block: BlockHistoryItem }) {
  const t = useTranslations('account.history');
  const tb = useTranslations('block.openBlocks');
  const format = useFormatter();
  if (b.status !== 'lifted')
    return (
      <span className={b.status === 'active' ? 'font-semibold text-red-900' : 'font-semibold text-amber-900'}>
        {tb('status', { status: b.status })}
      </span>
    );
  const how = b.liftedHow ?? 'unknown';
  return (
    <span className="font-semibold text-emerald-900">
      {b.liftedAt
        ? t('lifted', { how, at: format.dateTime(b.liftedAt, ZONED) })
        : t('liftedUndated', { how })}
    </span>
  );
}

/** Whether an unblock request was made for the block, and the latest one's status in the block page's words. */
function HistoryRequests({ block: b }: { block: BlockHistoryItem }) {
  const t = useTranslations('account.history');
  const tb = useTranslations('block.request');
  return (
    <>
      {t('requests', {
        count: b.requests,
        status: b.latestRequest ? tb('status', { status: b.latestRequest }) : '',
      })}
    </>
  );
}
