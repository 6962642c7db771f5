import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { Section } from '@/components/ui/section';
import type { BlockPage, OpenBlockItem } from '@/lib/blocks/queries';
import { useWhen } from '@/components/ui/when';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

/**
 * The catalogue namespaces a paged list of blocks reads its words from: each has `title`,
 * `newestFirst`, `range`, `intro`, `placed`, `more`, `older`, `newest` and `pages`.
 */
type Words = 'block.openBlocks' | 'account.history';

/**
 * A page of an account's blocks (BlockPage: lib/blocks/queries.ts blockPage) in a region named by
 * its heading (`headingId`): each block's time placed (to the second: a fraud wave places several
 * within a minute) as the link to its page, described by `describe` (a line under it, id
 * `{describedBy}-{block id}`), and its reason in the customer's words. Newest first, a page at a
 * time: "N older blocks are not listed here" links to the next page, `base?{param}={last id}`, and a
 * later page links back to the newest (`base`). The block page's other open blocks and the account
 * page's block history; `empty` is said for a list with no blocks (nothing at all when not given).
 */
export function PagedBlocks<
  T extends { id: string; placedAt: Date; createdAt: Date; reason: OpenBlockItem['reason'] },
>({
  page,
  words,
  headingId,
  describedBy,
  base,
  param,
  describe,
  empty,
}: {
  page: BlockPage<T>;
  words: Words;
  headingId: string;
  describedBy: string;
  base: string;
  param: string;
  describe: (block: T) => ReactNode;
  empty?: ReactNode;
}) {
  // One set of keys in both namespaces: typed as one of them.
  const t = useTranslations(words as 'block.openBlocks');
  const tr = useTranslations('reasons');
  const when = useWhen();
  const last = page.items.at(-1);
  if (!last && empty === undefined) return null;
  const paged = page.from > 1 || page.more > 0;
  return (
    <Section id={headingId} title={t('title')}>
      {last ? (
        <>
          <p>
            {paged
              ? t('range', { from: page.from, to: page.from + page.items.length - 1, count: page.total })
              : t('newestFirst')}{' '}
            {t('intro')}
          </p>
          <ul aria-labelledby={headingId} className="flex flex-col gap-3">
            {page.items.map((b) => (
              <li key={b.id} className="rounded-md border border-slate-200 bg-white p-3">
                <Link
                  href={`/blocks/${b.id}`}
                  aria-describedby={`${describedBy}-${b.id}`}
                  className={`${PAGE_LINK} font-medium`}
                >
                  {t('placed', { at: when(shownPlacedAt(b), { seconds: true }) })}
                </Link>
                <p id={`${describedBy}-${b.id}`} className="text-sm">
                  {describe(b)}
                </p>
                <p className="text-sm text-slate-700">{tr(b.reason)}</p>
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>{empty}</p>
      )}
      {last && paged ? (
        <nav aria-label={t('pages')} className="flex flex-wrap items-center gap-x-4 text-sm">
          {page.more > 0 ? (
            <>
              <span>{t('more', { count: page.more })}</span>
              <Link href={`${base}?${param}=${last.id}#${headingId}`} className={PAGE_LINK}>
                {t('older')}
              </Link>
            </>
          ) : null}
          {page.from > 1 ? (
            <Link href={`${base}#${headingId}`} className={PAGE_LINK}>
              {t('newest')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </Section>
  );
}
