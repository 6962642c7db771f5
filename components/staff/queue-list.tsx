import { useLocale, useTimeZone, useTranslations } from 'next-intl';
import { INTL_TAGS, isLocale } from '@/lib/i18n/locales';
import { formatSpan } from '@/lib/requests/call-summary';
import type { QueueItem } from '@/lib/requests/queue';
import { formatWhen } from '@/lib/time/format';
import { LikelihoodHint } from './likelihood-hint';

/**
 * Pending requests, oldest first: everything needed to choose which customer to call next.
 * Rendered on every queue view, so each article is plain elements: a plain link (no client
 * component per item), dates through formatters made once per locale and zone (lib/time/format.ts),
 * and each label (kind, reason, status) looked up once per page, not once per item.
 */
export function QueueList({ items }: { items: QueueItem[] }) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.queue');
  const locale = useLocale();
  const timeZone = useTimeZone() ?? 'UTC';
  if (items.length === 0) return <p>{t('empty')}</p>;
  const tag = isLocale(locale) ? INTL_TAGS[locale] : 'en';
  const labels = new Map<string, string>();
  const label = (key: Parameters<typeof l>[0]) => {
    let v = labels.get(key);
    if (v === undefined) labels.set(key, (v = l(key)));
    return v;
  };
  const unknown = t('unknownCountry');
  return (
    <ol className="flex flex-col gap-4">
      {items.map((r) => (
        <li key={r.id}>
          <article
            aria-labelledby={`q-${r.id}`}
            className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
          >
            <h3 id={`q-${r.id}`} className="text-lg font-semibold">
              <a href={`/staff/requests/${r.id}`} className="text-blue-800 underline">
                {t('link', {
                  name: r.account.name,
                  number: r.account.number,
                  kind: label(`kind.${r.kind}`).toLowerCase(),
                })}
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
            <p className="text-sm">
              {t('block', {
                reason: label(`reason.${r.block.reason}`),
                status: label(`blockStatus.${r.block.status}`),
              })}
            </p>
            <p className="text-sm">
              {r.summary.count === 0
                ? t('noCalls')
                : t('calls', {
                    count: r.summary.count,
                    countries: r.summary.countries.map((c) => c ?? unknown).join(', '),
                    span: formatSpan(r.summary.spanSec, locale),
                  })}
            </p>
            <LikelihoodHint likelihood={r.likelihood} id={`hint-${r.id}`} />
          </article>
        </li>
      ))}
    </ol>
  );
}
