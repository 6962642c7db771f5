import { useLocale, useTimeZone, useTranslations } from 'next-intl';
import { PAGE_LINK } from '@/components/ui/button-class';
import { intlTag } from '@/lib/i18n/locales';
import { formatSpan } from '@/lib/requests/call-summary';
import { countryAndCode } from '@/lib/phone/format';
import type { QueueItem } from '@/lib/requests/queue';
import { formatWhen } from '@/lib/time/format';
import { LikelihoodHint } from './likelihood-hint';
import { RequestCameBack } from './request-came-back';

type ItemWords = { link: string; block: string; calls: string };

// What an item says that does not change while it waits (its link, its block line, its calls line)
// is put in words once per judged request, locale and the fields it reads, like the hint's words
// (likelihood-hint.tsx): lib/requests/queue.ts hands out the same `summary` object for a request
// while it waits (every kind has one; a firewall request has no hint), and the WeakMap lets the
// words go with it. Each of those lines is an ICU format in
// next-intl (three an item, 75 a page); in a CPU profile of /staff the items' lines took ≈ 9 % of a
// view (bench/README.md, "staff"). The "waiting" line changes every second and is formatted each view.
const itemWords = new WeakMap<QueueItem['summary'], Map<string, ItemWords>>();

/**
 * Pending requests, oldest first: everything needed to choose which customer to call next (a misdial
 * request's hint among it; a firewall request has none),
 * whether another agent has taken one already (who, since and until when: lib/requests/claim.ts), and
 * whether one came back after an approval whose lift did not happen (RequestCameBack: who approved,
 * when, what the switch said; rare, so its words are not kept like the lines below), and whether the
 * account also asks for destination allowances ("Also asks for a destination allowance: Mexico (MX)":
 * the agent settles them on the same call, as approving a lift that leaves no block in force closes
 * them without a decision; rare too).
 * Rendered on every queue view, so each article is plain elements: a plain link (no client
 * component per item), dates through formatters made once per locale and zone (lib/time/format.ts),
 * each label (kind, reason, status) looked up once per page, not once per item, and the lines that
 * do not change while a request waits worded once (`itemWords`). `query`: the queue's filter as URL
 * parameters (`kind=misdial&reason=…`, from queueFilterParams), carried by each request's link so the
 * request page, its "Next request" and its way back keep it; empty for none. `empty`: what an empty
 * list says (the page knows whether a filter is on); "No unblock requests are waiting" by default.
 */
export function QueueList({
  items,
  query = '',
  empty,
}: {
  items: QueueItem[];
  query?: string;
  empty?: string;
}) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.queue');
  const desk = useTranslations('staff.desk');
  const locale = useLocale();
  const timeZone = useTimeZone() ?? 'UTC';
  if (items.length === 0) return <p>{empty ?? t('empty')}</p>;
  const tag = intlTag(locale);
  const labels = new Map<string, string>();
  const label = (key: Parameters<typeof l>[0]) => {
    let v = labels.get(key);
    if (v === undefined) labels.set(key, (v = l(key)));
    return v;
  };
  const wordsOf = (r: QueueItem): ItemWords => {
    let byKey = itemWords.get(r.summary);
    if (!byKey) itemWords.set(r.summary, (byKey = new Map()));
    const key = [locale, r.account.name, r.account.number, r.kind, r.block.reason, r.block.status].join(
      '\u0000',
    );
    let w = byKey.get(key);
    if (!w) {
      w = {
        link: t('link', {
          name: r.account.name,
          number: r.account.number,
          kind: label(`kind.${r.kind}`).toLowerCase(),
        }),
        block: t('block', {
          reason: label(`reason.${r.block.reason}`),
          status: label(`blockStatus.${r.block.status}`),
        }),
        calls:
          r.summary.count === 0
            ? t('noCalls')
            : t('calls', {
                count: r.summary.count,
                countries: r.summary.countries.map((c) => c ?? t('unknownCountry')).join(', '),
                span: formatSpan(r.summary.spanSec, locale),
              }),
      };
      byKey.set(key, w);
    }
    return w;
  };
  const at = (d: Date) => <time dateTime={d.toISOString()}>{formatWhen(d, timeZone, { locale: tag })}</time>;
  return (
    <ol className="flex flex-col gap-4">
      {items.map((r) => {
        const w = wordsOf(r);
        const c = r.claim;
        return (
          <li key={r.id}>
            <article
              aria-labelledby={`q-${r.id}`}
              className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <h3 id={`q-${r.id}`} className="text-lg font-semibold">
                <a href={`/staff/requests/${r.id}${query ? `?${query}` : ''}`} className={PAGE_LINK}>
                  {w.link}
                </a>
              </h3>
              <p className="text-sm text-slate-700">
                {t.rich('waiting', {
                  span: formatSpan(r.ageSec, locale),
                  when: () => (
                    <time dateTime={r.createdAt.toISOString()}>
                      {formatWhen(r.createdAt, timeZone, { locale: tag })}
                    </time>
                  ),
                })}
              </p>
              {c ? (
                <p className="self-start rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950">
                  {desk.rich(c.mine ? 'takenByYou' : 'takenBy', {
                    by: c.by,
                    since: () => at(c.since),
                    until: () => at(c.until),
                  })}
                </p>
              ) : (
                <p className="text-sm font-medium">{desk('notTaken')}</p>
              )}
              {/* Back after an approval whose lift did not happen: who approved, and what the switch said. */}
              {r.cameBack ? <RequestCameBack back={r.cameBack} /> : null}
              <p className="text-sm">{w.block}</p>
              <p className="text-sm">{w.calls}</p>
              {r.allowancesWaiting.length ? (
                <p className="text-sm font-medium">
                  {t('alsoAllowance', {
                    count: r.allowancesWaiting.length,
                    countries: r.allowancesWaiting.map((c) => countryAndCode(c, locale)).join(', '),
                  })}
                </p>
              ) : null}
              {/* A misdial request's hint; a firewall request claims no misdial and has none. */}
              {r.likelihood ? <LikelihoodHint likelihood={r.likelihood} id={`hint-${r.id}`} /> : null}
            </article>
          </li>
        );
      })}
    </ol>
  );
}
