'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useSyncExternalStore } from 'react';
import { pageWaits } from '@/components/ui/answer-wait';
import { startRefreshLoop, watchedCheck } from './refresh-loop';

/**
 * Re-renders the server page while something waits for the switch: after `everyMs`, then less and
 * less often up to every `maxMs`, and not while the tab is hidden (./refresh-loop.ts says why).
 * With `watch`, each time it first asks `watch.url` (a `/api/version/…` route) whether the page's
 * data still has `watch.version` (lib/server/version.ts), and re-renders only when it has not: an
 * open tab then costs the server one short read per check instead of a whole page and its switch
 * reads, which in a fraud wave (thousands of customers reading their block pages) is the difference
 * (issue 14). One check at a time. `renderEveryMs`: re-render anyway when the last render is older
 * than this, for what the page shows that its data's fingerprint cannot see (the block page's
 * registered devices come from the switch). While mounted it counts as the page waiting
 * (usePageWaiting): a form's "on its way to the switch" answer goes once the page waits no more.
 */
export function AutoRefresh({
  everyMs = 2000,
  maxMs = 10_000,
  watch,
  renderEveryMs,
}: {
  everyMs?: number;
  maxMs?: number;
  watch?: { url: string; version: string };
  renderEveryMs?: number;
}) {
  const router = useRouter();
  const url = watch?.url;
  const version = watch?.version;
  useEffect(() => {
    const check =
      url === undefined || version === undefined
        ? () => router.refresh()
        : watchedCheck({ url, version, renderEveryMs, render: () => router.refresh() });
    return startRefreshLoop(check, document, { everyMs, maxMs });
  }, [router, everyMs, maxMs, url, version, renderEveryMs]);
  // Counted once per mount, apart from the loop (which restarts when its props change).
  useEffect(() => pageWaits.start(), []);
  return null;
}

/**
 * Whether the page now runs an AutoRefresh, i.e. waits for something (the switch's answer): for a
 * form whose answer is news only until then (components/ui/action-form.tsx). False on the server.
 */
export function usePageWaiting(): boolean {
  return useSyncExternalStore(pageWaits.subscribe, pageWaits.waiting, () => false);
}
