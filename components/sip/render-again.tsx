'use client';
import { useRouter } from 'next/navigation';
import { useEffect } from 'react';
import { renderOnceAfter } from '@/components/auto-refresh';

/**
 * Renders the server page once more `inMs` ms after its render (components/auto-refresh.tsx
 * renderOnceAfter: at that time, or when a hidden tab is shown again), and nothing else: no refresh
 * loop, and the page does not count as waiting for the switch (AutoRefresh does both). For a page
 * whose words change with time alone while its data does not: a SIP password change the switch
 * answered busy reads "from 12:45:14" until that second, and what is true then after it
 * (components/sip/unsettled.tsx). Renders nothing.
 */
export function RenderAgainIn({ inMs }: { inMs: number }) {
  const router = useRouter();
  useEffect(() => renderOnceAfter(inMs, document, () => router.refresh()), [router, inMs]);
  return null;
}
