'use client';
import { usePathname, useSearchParams } from 'next/navigation';
import { useEffect, useRef } from 'react';

const key = (pathname: string, search: string) => `${pathname}?${new URLSearchParams(search).toString()}`;

/**
 * Back and Forward always ask the server again, so a page a signed-out (or signed-out-elsewhere) browser
 * had shown — call data, IP addresses, numbers — is never shown again from memory:
 * - Next.js's router restores history entries from its client cache without a request (its staleTimes
 *   do not apply to Back/Forward): a capturing popstate listener, which runs before the router's own,
 *   reloads the document instead (a change of the #fragment alone is left to the browser).
 * - Chromium may keep a whole page in the back/forward cache even with `Cache-Control: no-store`:
 *   the page is hidden as it goes in (pagehide) and reloaded when it comes back (pageshow).
 */
export function FreshHistory() {
  const pathname = usePathname();
  const search = useSearchParams().toString();
  const current = useRef('');
  useEffect(() => {
    current.current = key(pathname, search);
  }, [pathname, search]);
  useEffect(() => {
    const onPopState = (e: PopStateEvent) => {
      if (key(location.pathname, location.search) === current.current) return;
      e.stopImmediatePropagation();
      location.reload();
    };
    const onPageHide = (e: PageTransitionEvent) => {
      if (e.persisted) document.body.hidden = true;
    };
    const onPageShow = (e: PageTransitionEvent) => {
      if (e.persisted) location.reload();
    };
    window.addEventListener('popstate', onPopState, { capture: true });
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    return () => {
      window.removeEventListener('popstate', onPopState, { capture: true });
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
  }, []);
  return null;
}
