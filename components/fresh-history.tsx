'use client';
import { useEffect } from 'react';

type NavigateEvent = Event & { navigationType?: string; hashChange?: boolean };

/**
 * Back and Forward always ask the server again, so a page a signed-out (or signed-out-elsewhere) browser
 * had shown — call data, IP addresses, numbers — is never shown again from memory:
 * - Next.js's router restores history entries from its client cache without a request (its staleTimes
 *   do not apply to Back/Forward): this popstate listener, registered before the router's own (a child's
 *   effect runs before its parent's), reloads the document instead. A Back that only changes the
 *   #fragment is left alone where the Navigation API can tell (its `navigate` event has `hashChange`).
 * - Chromium may keep a whole page in the back/forward cache even with `Cache-Control: no-store`:
 *   the page is hidden as it goes in (pagehide) and reloaded when it comes back (pageshow).
 */
export function FreshHistory() {
  useEffect(() => {
    const navigation = (window as { navigation?: EventTarget }).navigation;
    let hashOnly = false;
    const onNavigate = (e: Event) => {
      const n = e as NavigateEvent;
      if (n.navigationType === 'traverse') hashOnly = n.hashChange === true;
    };
    const onPopState = (e: PopStateEvent) => {
      if (hashOnly) {
        hashOnly = false;
        return;
      }
      e.stopImmediatePropagation();
      location.reload();
    };
    const onPageHide = (e: PageTransitionEvent) => {
      if (e.persisted) document.body.hidden = true;
    };
    const onPageShow = (e: PageTransitionEvent) => {
      if (e.persisted) location.reload();
    };
    navigation?.addEventListener('navigate', onNavigate);
    window.addEventListener('popstate', onPopState);
    window.addEventListener('pagehide', onPageHide);
    window.addEventListener('pageshow', onPageShow);
    return () => {
      navigation?.removeEventListener('navigate', onNavigate);
      window.removeEventListener('popstate', onPopState);
      window.removeEventListener('pagehide', onPageHide);
      window.removeEventListener('pageshow', onPageShow);
    };
  }, []);
  return null;
}
