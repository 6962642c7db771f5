'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { startRefreshLoop } from './refresh-loop';

/**
 * Re-renders the server page while something waits for the switch: after `everyMs`, then less and
 * less often up to every `maxMs`, and not while the tab is hidden (./refresh-loop.ts says why).
 */
export function AutoRefresh({ everyMs = 2000, maxMs = 10_000 }: { everyMs?: number; maxMs?: number }) {
  const router = useRouter();
  useEffect(
    () => startRefreshLoop(() => router.refresh(), document, { everyMs, maxMs }),
    [router, everyMs, maxMs],
  );
  return null;
}
