import { describe, expect, it } from 'vitest';
import {
  type HistoryWindow,
  keepHistoryFresh,
  type NavigationSeen,
  reloadsOnPopState as decide,
} from '@/components/fresh-history';

/** The decision at the popstate of the navigation `seen` (the document now at its destination). */
const reloadsOnPopState = (seen: NavigationSeen | null) =>
  decide(seen, seen?.to ?? 'https://portal.example/');

// Back and Forward reload the page, so that a signed-out browser never shows one from the router's
// memory (components/fresh-history.tsx). Chromium also fires popstate when a link to a fragment of the
// same page is followed, and the skip link ("Skip to content", href="#main") reloaded the whole page
// and left the focus on the body (accessibility review, finding 1). The navigate event before each
// popstate says which kind of navigation it was; these are the shapes Chromium 156 gives them.

const PAGE = 'https://portal.example/profile';

describe('reloadsOnPopState', () => {
  it('leaves a fragment navigation inside the page alone', () => {
    // The skip link, "Block history" on the account page, "See the list below".
    expect(
      reloadsOnPopState({
        navigationType: 'push',
        hashChange: true,
        to: `${PAGE}#main`,
        sameDocument: true,
        from: PAGE,
      }),
    ).toBe(false);
    // The same link again, to the fragment already shown: Chromium says replace, hashChange false.
    expect(
      reloadsOnPopState({
        navigationType: 'replace',
        hashChange: false,
        to: `${PAGE}#main`,
        sameDocument: true,
        from: `${PAGE}#main`,
      }),
    ).toBe(false);
    // location.replace('#history') from #main.
    expect(
      reloadsOnPopState({
        navigationType: 'replace',
        hashChange: true,
        to: `${PAGE}#history`,
        sameDocument: true,
        from: `${PAGE}#main`,
      }),
    ).toBe(false);
    // Back or Forward between two entries of this page that differ only in the fragment.
    expect(
      reloadsOnPopState({
        navigationType: 'traverse',
        hashChange: true,
        to: PAGE,
        sameDocument: true,
        from: `${PAGE}#main`,
      }),
    ).toBe(false);
  });

  it('reloads a Back or Forward to another page of this document, which the router would restore from memory', () => {
    for (const to of [
      'https://portal.example/blocks/b1',
      `${PAGE}?done=denied`,
      `https://portal.example/#main`,
    ])
      expect(
        reloadsOnPopState({
          navigationType: 'traverse',
          hashChange: false,
          to,
          sameDocument: true,
          from: `${PAGE}#main`,
        }),
        to,
      ).toBe(true);
    // Between two entries with the same address (only the fragment may differ, and it does not).
    expect(
      reloadsOnPopState({
        navigationType: 'traverse',
        hashChange: false,
        to: `${PAGE}#main`,
        sameDocument: true,
        from: `${PAGE}#main`,
      }),
    ).toBe(true);
  });

  it('reloads when it cannot tell: no navigate event, or one that is not a fragment of this page', () => {
    expect(reloadsOnPopState(null)).toBe(true);
    // A navigate event that is not this popstate's own (its destination is not where the document
    // now is): a fragment link's event left over does not excuse a later Back to another page.
    const fragment = {
      navigationType: 'push',
      hashChange: true,
      to: `${PAGE}#main`,
      sameDocument: true,
      from: PAGE,
    };
    expect(decide(fragment, 'https://portal.example/blocks/b1')).toBe(true);
    expect(decide(fragment, `${PAGE}#main`)).toBe(false);
    // A push or replace to another address, or to this one without a fragment, fires no popstate
    // in a browser; should one come, it reloads.
    expect(
      reloadsOnPopState({
        navigationType: 'push',
        hashChange: false,
        to: 'https://portal.example/blocks/b1#main',
        sameDocument: true,
        from: PAGE,
      }),
    ).toBe(true);
    expect(
      reloadsOnPopState({
        navigationType: 'replace',
        hashChange: false,
        to: PAGE,
        sameDocument: true,
        from: PAGE,
      }),
    ).toBe(true);
    expect(
      reloadsOnPopState({
        navigationType: 'push',
        hashChange: false,
        to: `${PAGE}#main`,
        sameDocument: false,
        from: PAGE,
      }),
    ).toBe(true);
  });
});

/** A window of EventTargets that counts reloads, with the router's own popstate listener after FreshHistory's. */
function fakeWindow(href: string) {
  const target = new EventTarget();
  const navigation = new EventTarget();
  const seen = { reloads: 0, routerPops: 0 };
  const win: HistoryWindow = {
    addEventListener: (type, l) => target.addEventListener(type, l),
    removeEventListener: (type, l) => target.removeEventListener(type, l),
    navigation,
    location: { href, reload: () => void seen.reloads++ },
    document: { body: { hidden: false } },
  };
  const stop = keepHistoryFresh(win);
  target.addEventListener('popstate', () => void seen.routerPops++);
  /** A navigation as Chromium runs it: the navigate event, the address changes, then popstate. */
  const navigate = (navigationType: string, to: string, hashChange: boolean) => {
    navigation.dispatchEvent(
      Object.assign(new Event('navigate'), {
        navigationType,
        hashChange,
        destination: { url: to, sameDocument: true },
      }),
    );
    win.location.href = to;
    target.dispatchEvent(new Event('popstate'));
  };
  return { win, seen, stop, navigate, target };
}

describe('keepHistoryFresh', () => {
  it('follows the skip link and the page’s other fragment links without a reload, Back among them too', () => {
    const { seen, navigate } = fakeWindow(PAGE);
    navigate('push', `${PAGE}#main`, true);
    navigate('replace', `${PAGE}#main`, false); // the skip link a second time
    navigate('push', `${PAGE}#history`, true);
    navigate('traverse', `${PAGE}#main`, true);
    navigate('traverse', PAGE, true);
    expect(seen).toEqual({ reloads: 0, routerPops: 5 });
  });

  it('reloads Back to another page instead of letting the router restore it, after a fragment link too', () => {
    const { seen, navigate } = fakeWindow(PAGE);
    navigate('push', `${PAGE}#main`, true);
    navigate('traverse', 'https://portal.example/blocks/b1', false);
    expect(seen).toEqual({ reloads: 1, routerPops: 1 });
  });

  it('reloads a Back to another page that came without a navigate event of its own', () => {
    const { seen, win, target } = fakeWindow(PAGE);
    // A fragment link's navigate event whose navigation never happened (cancelled: no popstate)…
    const navigation = win.navigation!;
    navigation.dispatchEvent(
      Object.assign(new Event('navigate'), {
        navigationType: 'push',
        hashChange: true,
        destination: { url: `${PAGE}#main`, sameDocument: true },
      }),
    );
    // …does not excuse a later popstate for another page.
    win.location.href = 'https://portal.example/blocks/b1';
    target.dispatchEvent(new Event('popstate'));
    expect(seen).toEqual({ reloads: 1, routerPops: 0 });
  });

  it('reloads a popstate with no navigate event before it (a browser without the Navigation API)', () => {
    const { seen, navigate, target } = fakeWindow(PAGE);
    navigate('push', `${PAGE}#main`, true);
    // The navigate event is used once: a second popstate without its own reloads.
    target.dispatchEvent(new Event('popstate'));
    expect(seen).toEqual({ reloads: 1, routerPops: 1 });
  });

  it('hides a page going into the back/forward cache and reloads it coming back; stops when asked', () => {
    const { win, seen, stop, target, navigate } = fakeWindow(PAGE);
    target.dispatchEvent(Object.assign(new Event('pagehide'), { persisted: true }));
    expect(win.document.body.hidden).toBe(true);
    target.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(seen.reloads).toBe(1);
    stop();
    navigate('traverse', 'https://portal.example/blocks/b1', false);
    target.dispatchEvent(Object.assign(new Event('pageshow'), { persisted: true }));
    expect(seen).toEqual({ reloads: 1, routerPops: 1 });
  });
});
