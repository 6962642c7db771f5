import { useTranslations } from 'next-intl';
import { PagedBlocks } from '@/components/block/paged-blocks';
import type { OpenBlockList } from '@/lib/blocks/queries';

/** The id of the list's heading: the block page's "See the list below" and the pager link to it. */
export const OPEN_BLOCKS_ID = 'open-blocks';

/**
 * The account's other open blocks on a block page (lib/blocks/queries.ts otherOpenBlocksForUser), a
 * paged list of blocks (PagedBlocks): each block described by its status and calls, `?others={last
 * id}` for the next page (`base`: the block page's own path). Nothing when the list is empty.
 */
export function OpenBlocks({ list, base }: { list: OpenBlockList; base: string }) {
  const t = useTranslations('block.openBlocks');
  return (
    <PagedBlocks
      page={list}
      words="block.openBlocks"
      headingId={OPEN_BLOCKS_ID}
      describedBy="open"
      base={base}
      param="others"
      describe={(b) => (
        <>
          <span
            className={b.status === 'active' ? 'font-semibold text-red-900' : 'font-semibold text-amber-900'}
          >
            {t('status', { status: b.status })}
          </span>{' '}
          · {t('calls', { count: b.calls })}
        </>
      )}
    />
  );
}
