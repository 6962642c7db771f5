import { useLocale, useTranslations } from 'next-intl';
import { PAGE_LINK } from '@/components/ui/button-class';
import { FilterForm } from '@/components/staff/filter-form';
import { FilterSelect } from '@/components/staff/filter-select';
import { intlTag } from '@/lib/i18n/locales';
import { formatSpan } from '@/lib/requests/call-summary';
import {
  DEFAULT_ORDER,
  ORDERS,
  PASSWORD_FILTERS,
  REQUEST_FILTERS,
  type BlockInForceItem,
  type BlocksFilter,
} from '@/lib/staff/blocks-in-force';
import { formatWhen } from '@/lib/time/format';

const REQUEST_WORDS = { none: 'requestNone', open: 'requestOpen' } as const;
const PASSWORD_WORDS = {
  none: 'passwordsNone',
  partly: 'passwordsPartly',
  all: 'passwordsAll',
  nothing: 'passwordsNothing',
} as const;
const ORDER_WORDS = { oldest: 'orderOldest', newest: 'orderNewest' } as const;

/** The filter in words, for the line under the heading: "No request · Partly changed · Newest first". */
export function BlocksFilterWords({ filter: f }: { filter: BlocksFilter }) {
  const t = useTranslations('staff.blocksInForce');
  const words = [
    f.request ? t(REQUEST_WORDS[f.request]) : null,
    f.passwords ? t(PASSWORD_WORDS[f.passwords]) : null,
    f.order ? t(ORDER_WORDS[f.order]) : null,
  ].filter((s): s is string => s !== null);
  return words.length ? <p>{t('filtered', { filters: words.join(' · ') })}</p> : null;
}

/**
 * The list's filters (lib/staff/blocks-in-force.ts BlocksFilter): unblock request, SIP passwords and
 * order, each a labelled list, sent with "Show" as a plain GET form to `/staff/blocks`, as the queue's
 * filters (FilterForm, components/staff/queue-filters.tsx): a view an agent can bookmark and share,
 * used with the keyboard alone, working without JavaScript. "Any" and the default order ("Oldest
 * first") have the value `''`, which the form leaves out: the unfiltered view is `/staff/blocks`.
 */
export function BlocksInForceFilters({ filter }: { filter: BlocksFilter }) {
  const t = useTranslations('staff.blocksInForce');
  return (
    <FilterForm label={t('filters')} action="/staff/blocks" submit={t('show')}>
      <FilterSelect
        name="request"
        id="blocks-request"
        label={t('request')}
        value={filter.request}
        options={[['', t('requestAny')], ...REQUEST_FILTERS.map((v) => [v, t(REQUEST_WORDS[v])] as const)]}
      />
      <FilterSelect
        name="passwords"
        id="blocks-passwords"
        label={t('passwords')}
        value={filter.passwords}
        options={[
          ['', t('passwordsAny')],
          ...PASSWORD_FILTERS.map((v) => [v, t(PASSWORD_WORDS[v])] as const),
        ]}
      />
      <FilterSelect
        name="order"
        id="blocks-order"
        label={t('order')}
        value={filter.order}
        options={ORDERS.map((v) => [v === DEFAULT_ORDER ? '' : v, t(ORDER_WORDS[v])] as const)}
      />
    </FilterForm>
  );
}

/**
 * The blocks in force of one page, in the order read: each an article headed by a link to its
 * account's staff page (at the block), with its reason, when it was placed in the agent's zone
 * (`timeZone`) and how long ago, how far its automatic lift has come
 * (BlockProgress), its unblock request waiting (a link) or none, and a member's latest sign-in since
 * the block, or none, or that the account has no customer login at all (nobody can act on the block
 * in the portal: support must call). `empty`: what an empty list says.
 */
export function BlocksInForceList({
  items,
  timeZone,
  empty,
}: {
  items: BlockInForceItem[];
  timeZone: string;
  empty: string;
}) {
  const t = useTranslations('staff.blocksInForce');
  const reason = useTranslations('staff.labels.reason');
  const tag = intlTag(useLocale());
  if (items.length === 0) return <p>{empty}</p>;
  const when = (d: Date) => (
    <time dateTime={d.toISOString()}>{formatWhen(d, timeZone, { locale: tag })}</time>
  );
  return (
    <ol className="flex flex-col gap-3">
      {items.map((b) => {
        const p = b.progress;
        const lines = [
          p.kind === 'nothing' ? t('nothing') : p.named.total > 0 ? t('named', p.named) : t('noNamed'),
          // Suspects still to change; or, once every one is, that they were (a tester read "0 of 1
          // named … changed" alone on a "partly changed" row whose one change was a suspect's).
          p.suspects.total > p.suspects.changed
            ? t('suspects', { count: p.suspects.total - p.suspects.changed })
            : p.suspects.total > 0
              ? t('suspectsChanged', { count: p.suspects.total })
              : null,
          p.unknownNames > 0 && p.kind !== 'nothing' ? t('unknownNames', { count: p.unknownNames }) : null,
          p.kind === 'all' ? t('allChanged') : null,
        ].filter((s): s is string => s !== null);
        return (
          <li key={b.id}>
            <article
              aria-labelledby={`blk-${b.id}`}
              className="flex flex-col gap-1 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <h2 id={`blk-${b.id}`} className="text-lg font-semibold">
                <a
                  href={`/staff/accounts/${encodeURIComponent(b.account.number)}#block-${b.id}`}
                  className={PAGE_LINK}
                >
                  {b.account.number} · {b.account.name}
                </a>
              </h2>
              <p className="text-sm text-slate-700">
                {reason(b.reason)}
                {' · '}
                {t.rich('placed', { span: formatSpan(b.ageSec, tag), when: () => when(b.placedAt) })}
              </p>
              <p className="text-sm">{lines.join(' · ')}</p>
              <p className="text-sm">
                {b.openRequestId ? (
                  <a href={`/staff/requests/${encodeURIComponent(b.openRequestId)}`} className={PAGE_LINK}>
                    {t('requestWaiting')}
                  </a>
                ) : (
                  t('noRequest')
                )}
                {' · '}
                {b.signedInAt
                  ? t.rich('signedIn', { when: () => when(b.signedInAt!) })
                  : b.logins === 0
                    ? t('noLogin')
                    : t('notSignedIn')}
              </p>
            </article>
          </li>
        );
      })}
    </ol>
  );
}
