import Link from 'next/link';
import { formatSpan } from '@/lib/requests/call-summary';
import type { QueueItem } from '@/lib/requests/queue';
import { LikelihoodHint } from './likelihood-hint';
import { When } from '@/components/ui/when';
import { useTranslations } from 'next-intl';

/** Pending requests, oldest first: everything needed to choose which customer to call next. */
export function QueueList({ items }: { items: QueueItem[] }) {
  const l = useTranslations('staff.labels');
  if (items.length === 0) return <p>No requests are waiting. New ones appear here as customers send them.</p>;
  return (
    <ol className="flex flex-col gap-4">
      {items.map((r) => (
        <li key={r.id}>
          <article aria-labelledby={`q-${r.id}`} className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
            <h3 id={`q-${r.id}`} className="text-lg font-semibold">
              <Link href={`/staff/requests/${r.id}`} className="text-blue-800 underline">
                {r.account.name} ({r.account.number}): {l(`kind.${r.kind}`).toLowerCase()} request
              </Link>
            </h3>
            <p className="text-sm text-slate-700">
              Waiting {formatSpan(r.ageSec)} · sent <When at={r.createdAt} />
            </p>
            <p className="text-sm">
              Block: {l(`reason.${r.block.reason}`)} · {l(`blockStatus.${r.block.status}`)}
            </p>
            <p className="text-sm">
              {r.summary.count === 0
                ? 'No trigger calls recorded.'
                : `${r.summary.count} ${r.summary.count === 1 ? 'call' : 'calls'} to ${r.summary.countries.join(', ')}${r.summary.count > 1 ? ` within ${formatSpan(r.summary.spanSec)}` : ''}`}
            </p>
            <LikelihoodHint likelihood={r.likelihood} id={`hint-${r.id}`} />
          </article>
        </li>
      ))}
    </ol>
  );
}
