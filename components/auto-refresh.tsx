'use client';
import { useRouter } from 'next/navigation';
import { useEffect, useSyncExternalStore } from 'react';
import { pageWaits } from '@/components/ui/answer-wait';
import { startRefreshLoop, watchedCheck, type VisiblePage } from './refresh-loop';

/**
 * Re-renders the server page while something waits for the switch: after `everyMs`, then less and
 * less often up to every `maxMs`, and not while the tab is hidden (./refresh-loop.ts says why).
 * With `watch`, each time it first asks `watch.url` (a `/api/version/…` route) whether the page's
 * data still has `watch.version` (lib/server/version.ts), and re-renders only when it has not: an
 * open tab then costs the server one short read per check instead of a whole page and its switch
 * reads, which in a fraud wave (thousands of customers reading their block pages) is the difference
 * (issue 14). One check at a time. `renderEveryMs`: re-render anyway when the last render is older
 * than this, for what the page shows that its data's fingerprint cannot see (the block page's
 * registered devices come from the switch). `renderAgainInMs`: re-render once, that many ms after
 * this render, for what the page shows that changes with time alone while its data does not (the
 * dashboard's "set a new one from 10:42:06" of a change the switch answered busy, which from 10:42:06
 * on says what is true then: components/sip/unsettled.tsx UnsettledLine); renderOnceAfter says how.
 * While mounted it counts as the page waiting (usePageWaiting): a form's "on its way to the switch"
 * answer goes once the page waits no more.
 */
export function AutoRefresh({
  everyMs = 2000,
  maxMs = 10_000,
  watch,
  renderEveryMs,
  renderAgainInMs,
}: {
  everyMs?: number;
  maxMs?: number;
  watch?: { url: string; version: string };
  renderEveryMs?: number;
  renderAgainInMs?: number;
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
  useEffect(
    () =>
      renderAgainInMs === undefined
        ? undefined
        : renderOnceAfter(renderAgainInMs, document, () => router.refresh()),
    [router, renderAgainInMs],
  );
  // Counted once per mount, apart from the loop (which restarts when its props change).
  useEffect(() => pageWaits.start(), []);
  return null;
}

/**
 * Calls `render` once, `delayMs` after now (the server computes it as the time the page must change
 * at less the time of its render, so the client's clock, which may be off, plays no part: the timer
 * starts when the page arrives, after that render, and fires no earlier than the server's time named),
 * or, if the tab is hidden then, once it is shown again: no request from a tab no one looks at (the
 * Page Visibility API, as ./refresh-loop.ts). A negative delay renders at once. The page's render
 * then computes the next delay, if any. Returns the function that cancels it (React's effect cleanup).
 */
export function renderOnceAfter(delayMs: number, page: VisiblePage, render: () => void): () => void {
  const onVisible = () => {
    if (page.visibilityState === 'hidden') return;
    page.removeEventListener('visibilitychange', onVisible);
    render();
  };
  // setTimeout's longest delay is 2^31 - 1 ms (a busy wait is at most an hour: MAX_BUSY_WAIT_SECONDS).
  const delay = Math.min(Math.max(0, delayMs), 2_147_483_647);
  const timer = setTimeout(() => {
    if (page.visibilityState === 'hidden') page.addEventListener('visibilitychange', onVisible);
    else render();
  }, delay);
  return () => {
    clearTimeout(timer);
    page.removeEventListener('visibilitychange', onVisible);
  };
}

/**
 * Whether the page now runs an AutoRefresh, i.e. waits for something (the switch's answer): for a
 * form whose answer is news only until then (components/ui/action-form.tsx). False on the server.
 */
export function usePageWaiting(): boolean {
  return useSyncExternalStore(pageWaits.subscribe, pageWaits.waiting, () => false);
}
