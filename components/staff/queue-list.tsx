import Link from 'next/link';
import { formatSpan } from '@/lib/requests/call-summary';
import type { QueueItem } from '@/lib/requests/queue';
import { LikelihoodHint } from './likelihood-hint';
import { When } from '@/components/ui/when';
import { useLocale, useTranslations } from 'next-intl';

/** Pending requests, oldest first: everything needed to choose which customer to call next. */
export function QueueList({ items }: { items: QueueItem[] }) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.queue');
  const locale = useLocale();
  if (items.length === 0) return <p>{t('empty')}</p>;
  return (
    <ol className="flex flex-col gap-4">
      {items.map((r) => (
        <li key={r.id}>
          <article
            aria-labelledby={`q-${r.id}`}
            className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
          >
            <h3 id={`q-${r.id}`} className="text-lg font-semibold">
              <Link href={`/staff/requests/${r.id}`} className="text-blue-800 underline">
                {t('link', {
                  name: r.account.name,
                  number: r.account.number,
                  kind: l(`kind.${r.kind}`).toLowerCase(),
                })}
              </Link>
            </h3>
            <p className="text-sm text-slate-700">
              {t.rich('waiting', {
                span: formatSpan(r.ageSec, locale),
                when: () => <When at={r.createdAt} />,
              })}
            </p>
            <p className="text-sm">
              {t('block', {
                reason: l(`reason.${r.block.reason}`),
                status: l(`blockStatus.${r.block.status}`),
              })}
            </p>
            <p className="text-sm">
              {r.summary.count === 0
                ? t('noCalls')
                : t('calls', {
                    count: r.summary.count,
                    countries: r.summary.countries.map((c) => c ?? t('unknownCountry')).join(', '),
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
