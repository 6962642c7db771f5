import { useFormatter, useTranslations } from 'next-intl';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Section } from '@/components/ui/section';
import type { OpenBlockList } from '@/lib/blocks/queries';
import { ZONED_SECONDS } from '@/lib/time/format';

/** The id of the list's heading: the block page's "See the list below" and the pager link to it. */
export const OPEN_BLOCKS_ID = 'open-blocks';

/**
 * The account's other open blocks on a block page (lib/blocks/queries.ts otherOpenBlocksForUser), a
 * region named by its heading: each block's time placed (to the second: a fraud wave places several
 * within a minute) as the link to its page, its status and calls (the link's description) and its
 * reason in the customer's words. Newest first, a page at a time: "N older blocks are not listed
 * here" links to the next page, `base?others={last id}` (`base`: the block page's own path), and a
 * later page links back to the newest. Nothing when the list is empty.
 */
export function OpenBlocks({ list, base }: { list: OpenBlockList; base: string }) {
  const t = useTranslations('block.openBlocks');
  const tr = useTranslations('reasons');
  const format = useFormatter();
  const last = list.items.at(-1);
  if (!last) return null;
  const paged = list.from > 1 || list.more > 0;
  return (
    <Section id={OPEN_BLOCKS_ID} title={t('title')}>
      <p>
        {paged
          ? t('range', { from: list.from, to: list.from + list.items.length - 1, count: list.total })
          : t('newestFirst')}{' '}
        {t('intro')}
      </p>
      <ul aria-labelledby={OPEN_BLOCKS_ID} className="flex flex-col gap-3">
        {list.items.map((b) => (
          <li key={b.id} className="rounded-md border border-slate-200 bg-white p-3">
            <Link
              href={`/blocks/${b.id}`}
              aria-describedby={`open-${b.id}`}
              className="font-medium text-blue-800 underline"
            >
              {t('placed', { at: format.dateTime(b.placedAt, ZONED_SECONDS) })}
            </Link>
            <p id={`open-${b.id}`} className="text-sm">
              <span
                className={
                  b.status === 'active' ? 'font-semibold text-red-900' : 'font-semibold text-amber-900'
                }
              >
                {t('status', { status: b.status })}
              </span>{' '}
              · {t('calls', { count: b.calls })}
            </p>
            <p className="text-sm text-slate-700">{tr(b.reason)}</p>
          </li>
        ))}
      </ul>
      {paged ? (
        <nav aria-label={t('pages')} className="flex flex-wrap items-center gap-x-4 text-sm">
          {list.more > 0 ? (
            <>
              <span>{t('more', { count: list.more })}</span>
              <Link href={`${base}?others=${last.id}#${OPEN_BLOCKS_ID}`} className={PAGE_LINK}>
                {t('older')}
              </Link>
            </>
          ) : null}
          {list.from > 1 ? (
            <Link href={`${base}#${OPEN_BLOCKS_ID}`} className={PAGE_LINK}>
              {t('newest')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </Section>
  );
}
