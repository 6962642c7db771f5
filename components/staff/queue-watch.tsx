'use client';
import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { Link } from '@/components/ui/link';
import { askServer, oneAtATime, startRefreshLoop } from '@/components/refresh-loop';
import type { QueueChanges } from '@/lib/requests/queue';
import { changeSentence, queueChange, type QueueChange, type QueueRead } from './queue-change';

/**
 * Tells an agent reading the queue that it has changed since it was shown, instead of re-rendering a
 * list under their eyes, in words that say what changed: "Since this list was shown: 1 new allowance
 * request; 2 requests taken by other agents.", and a link to the queue as it is now (`href`). It
 * covers what the page lists: unblock and allowance requests (new ones, those decided, withdrawn or
 * closed) and the claims on them (taken or taken over, released by other agents), so a "Not taken"
 * the list shows is never silently out of date. It asks `/api/version/staff-queue`
 * (lib/requests/queue.ts queueChangesSince) every 5 s, growing to 30 s, never while the tab is hidden
 * (components/refresh-loop.ts). `since`: when the page read the queue (ms epoch); `read`: how many of
 * each kind waited then (lib/requests/queue.ts waitingCounts; `capped`: more than the count's cap, so
 * those gone cannot be counted); `account`: the account whose queue this is, if one. The sentence is a
 * polite live region. `lead`: words said before it, when the list shown is a filter of what is watched
 * (the queue's kind, reason or taken filters: the watch counts the whole queue, or the account's).
 */
export function QueueWatch({
  since,
  read,
  account,
  href,
  lead,
}: {
  since: number;
  read: QueueRead;
  account?: string;
  href: string;
  lead?: string;
}) {
  const t = useTranslations('staff.queueWatch');
  const [change, setChange] = useState<QueueChange | null>(null);
  // The effect reads the counts, not the object: a new render with the same counts asks on.
  const [unblockPending, unblockCapped] = [read.unblock.pending, read.unblock.capped];
  const [allowancePending, allowanceCapped] = [read.allowance.pending, read.allowance.capped];
  useEffect(() => {
    const was: QueueRead = {
      unblock: { pending: unblockPending, capped: unblockCapped },
      allowance: { pending: allowancePending, capped: allowanceCapped },
    };
    const url = `/api/version/staff-queue?${new URLSearchParams({ since: String(since), ...(account ? { account } : {}) })}`;
    const check = oneAtATime(async () => {
      const res = await askServer(url);
      if (!res?.ok) return;
      const now = (await res.json().catch(() => null)) as QueueChanges | null;
      if (now?.unblock && now.allowance) setChange(queueChange(was, now));
    });
    return startRefreshLoop(check, document, { everyMs: 5000, maxMs: 30_000 });
  }, [since, unblockPending, unblockCapped, allowancePending, allowanceCapped, account]);
  return (
    <div role="status" aria-live="polite">
      {change ? (
        <p className="rounded border border-blue-300 bg-blue-50 p-3">
          {[lead ?? null, changeSentence(t, change)].filter(Boolean).join(' ')}{' '}
          <Link href={href} className="font-semibold text-blue-800 underline">
            {t('show')}
          </Link>
        </p>
      ) : null}
    </div>
  );
}
