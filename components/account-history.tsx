import { useFormatter, useTranslations } from 'next-intl';
import { PagedBlocks } from '@/components/block/paged-blocks';
import type { BlockHistory, BlockHistoryItem } from '@/lib/accounts/block-history';
import { ZONED } from '@/lib/time/format';

/** The id of the history's heading: the dashboard's "Block history" link (`/accounts/{n}#history`) and the pager's. */
export const HISTORY_ID = 'history';

/**
 * An account's block history on its page (lib/accounts/block-history.ts blockHistoryForUser), a paged
 * list of blocks (PagedBlocks, as the block page's list of other open blocks): each block described
 * by its status in the block page's words (in force; being lifted; lifted when and how) and its
 * unblock requests, `?history={last id}` for the next page (`base`: the account page's own path).
 * "No blocks yet." for an account never blocked. Times in the reader's zone (lib/time/format.ts).
 */
export function AccountHistory({ history, base }: { history: BlockHistory; base: string }) {
  const t = useTranslations('account.history');
  return (
    <PagedBlocks
      page={history}
      words="account.history"
      headingId={HISTORY_ID}
      describedBy="history"
      base={base}
      param="history"
      empty={t('empty')}
      describe={(b) => (
        <>
          <HistoryStatus block={b} />
          {' · '}
          <HistoryRequests block={b} />
        </>
      )}
    />
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
