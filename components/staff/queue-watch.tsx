'use client';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Link } from '@/components/ui/link';
import { askServer, oneAtATime, startRefreshLoop } from '@/components/refresh-loop';
import { queueChange, type QueueChange } from './queue-change';

/**
 * Tells an agent reading the queue that it has changed since it was shown, instead of re-rendering a
 * list under their eyes: "2 new requests arrived; 1 request was decided or withdrawn", and a link
 * to the queue as it is now (`href`). It asks `/api/version/staff-queue` (lib/requests/queue.ts
 * queueChangesSince) every 5 s, growing to 30 s, never while the tab is hidden
 * (components/refresh-loop.ts). `since`: when the page read the queue (ms epoch); `pending`: how many
 * waited then (`capped`: more than the count's cap, so the decided ones cannot be counted);
 * `account`: the account whose queue this is, if one. The sentence is a polite live region.
 * `lead`: words said before it, when the list shown is a filter of what is watched (the queue's kind,
 * reason or taken filters: the watch counts the whole queue, or the account's).
 */
export function QueueWatch({
  since,
  pending,
  capped,
  account,
  href,
  lead,
}: {
  since: number;
  pending: number;
  capped: boolean;
  account?: string;
  href: string;
  lead?: string;
}) {
  const t = useTranslations('staff.queueWatch');
  const [change, setChange] = useState<QueueChange | null>(null);
  useEffect(() => {
    const url = `/api/version/staff-queue?${new URLSearchParams({ since: String(since), ...(account ? { account } : {}) })}`;
    const check = oneAtATime(async () => {
      const res = await askServer(url);
      if (!res?.ok) return;
      const now = (await res.json().catch(() => null)) as {
        pending: number;
        arrived: number;
        capped: boolean;
        arrivedCapped: boolean;
      } | null;
      if (now) setChange(queueChange({ pending, capped }, now));
    });
    return startRefreshLoop(check, document, { everyMs: 5000, maxMs: 30_000 });
  }, [since, pending, capped, account]);
  return (
    <div role="status" aria-live="polite">
      {change ? (
        <p className="rounded border border-blue-300 bg-blue-50 p-3">
          {[
            lead ?? null,
            change.arrived
              ? t('arrived', { count: change.arrived, capped: change.arrivedCapped ? 'yes' : 'no' })
              : null,
            change.left ? t('left', { count: change.left }) : null,
            change.unclear && !change.arrived ? t('changed') : null,
          ]
            .filter(Boolean)
            .join(' ')}{' '}
          <Link href={href} className="font-semibold text-blue-800 underline">
            {t('show')}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
