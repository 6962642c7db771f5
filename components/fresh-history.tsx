'use client';
import { useEffect } from 'react';

/** The part of a Navigation API `navigate` event read here (lib.dom has no type for it yet). */
type NavigateEvent = Event & {
  navigationType?: string;
  hashChange?: boolean;
  destination?: { url: string; sameDocument: boolean };
};

/** The parts of `window` that keepHistoryFresh uses; a test passes an EventTarget of its own. */
export type HistoryWindow = {
  addEventListener(type: string, listener: (e: Event) => void): void;
  removeEventListener(type: string, listener: (e: Event) => void): void;
  /** The Navigation API's `navigation`, absent in a browser without it. */
  navigation?: EventTarget;
  location: { href: string; reload(): void };
  document: { body: { hidden: boolean } };
};

/**
 * What reloadsOnPopState reads of a navigation: its `navigate` event's `navigationType` ('push',
 * 'replace', 'traverse', 'reload'), `hashChange` and destination (`to`: an absolute URL,
 * `sameDocument`), and `from`, the document's absolute URL as the event fired.
 */
export type NavigationSeen = {
  navigationType?: string;
  hashChange?: boolean;
  to?: string;
  sameDocument?: boolean;
  from: string;
};

const withoutFragment = (url: string) => url.split('#')[0];

/**
 * Whether a popstate must reload the document. `seen` is the last `navigate` event (null where the
 * browser has no Navigation API, or none came); `at` is the document's absolute URL as popstate
 * fires, that event's destination when the event is this popstate's own (else it reloads).
 * False only for a navigation inside this document that changes nothing but the #fragment: a plain
 * link to a fragment of the page, such as the skip link's `#main` (a `push` with `hashChange`); the
 * same link again, to the fragment already shown (a `replace` that Chromium marks `hashChange:
 * false`, but a fragment navigation all the same); a Back or Forward between two entries of this
 * document that differ only in their fragment (a `traverse` with `hashChange`). Chromium fires
 * popstate for each of these; reloading there broke every in-page link (the skip link reloaded the
 * page and left the focus on the body). Anything else (a Back or Forward to a page the router would
 * restore from its cache) reloads, and so does any popstate without a navigate event: the side that
 * never shows a page from memory (a browser without the Navigation API reloads on a fragment link).
 */
export function reloadsOnPopState(seen: NavigationSeen | null, at: string): boolean {
  if (!seen || seen.to !== at) return true;
  if (seen.hashChange === true) return false;
  const toFragment =
    (seen.navigationType === 'push' || seen.navigationType === 'replace') &&
    seen.sameDocument === true &&
    at.includes('#') &&
    withoutFragment(at) === withoutFragment(seen.from);
  return !toFragment;
}

/**
 * Back and Forward always ask the server again, so a page a signed-out (or signed-out-elsewhere) browser
 * had shown — call data, IP addresses, numbers — is never shown again from memory:
 * - Next.js's router restores history entries from its client cache without a request (its staleTimes
 *   do not apply to Back/Forward): this popstate listener, registered before the router's own (a child's
 *   effect runs before its parent's), reloads the document instead, and keeps the router from
 *   restoring first. A navigation that only changes the #fragment of this document is left alone
 *   (reloadsOnPopState): the Navigation API's `navigate` event, which precedes each popstate, says so.
 * - Chromium may keep a whole page in the back/forward cache even with `Cache-Control: no-store`:
 *   the page is hidden as it goes in (pagehide) and reloaded when it comes back (pageshow).
 * Listens on `win` from the call on; returns the function that stops listening.
 */
export function keepHistoryFresh(win: HistoryWindow): () => void {
  const navigation = win.navigation;
  // The navigate event of the navigation under way; the popstate it leads to (if any) comes next,
  // before another navigate event can start.
  let seen: NavigationSeen | null = null;
  const onNavigate = (e: Event) => {
    const n = e as NavigateEvent;
    seen = {
      navigationType: n.navigationType,
      hashChange: n.hashChange,
      to: n.destination?.url,
      sameDocument: n.destination?.sameDocument,
      from: win.location.href,
    };
  };
  const onPopState = (e: Event) => {
    const reload = reloadsOnPopState(seen, win.location.href);
    seen = null;
    if (!reload) return;
    e.stopImmediatePropagation();
    win.location.reload();
  };
  const onPageHide = (e: Event) => {
    if ((e as PageTransitionEvent).persisted) win.document.body.hidden = true;
  };
  const onPageShow = (e: Event) => {
    if ((e as PageTransitionEvent).persisted) win.location.reload();
  };
  navigation?.addEventListener('navigate', onNavigate);
  win.addEventListener('popstate', onPopState);
  win.addEventListener('pagehide', onPageHide);
  win.addEventListener('pageshow', onPageShow);
  return () => {
    navigation?.removeEventListener('navigate', onNavigate);
    win.removeEventListener('popstate', onPopState);
    win.removeEventListener('pagehide', onPageHide);
    win.removeEventListener('pageshow', onPageShow);
  };
}

/** Renders nothing: keeps Back and Forward fresh (keepHistoryFresh) while the document lives. */
export function FreshHistory() {
  useEffect(() => keepHistoryFresh(window as unknown as HistoryWindow), []);
  return null;
}
