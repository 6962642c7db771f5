/** What the refresh loop reads of the page: `document` in the browser, a stand-in in a unit test. */
export type VisiblePage = {
  readonly visibilityState: DocumentVisibilityState;
  addEventListener(type: 'visibilitychange', listener: () => void): void;
  removeEventListener(type: 'visibilitychange', listener: () => void): void;
};

/**
 * Calls `refresh` while a page waits for the switch: first after `everyMs`, then at intervals that
 * grow by half each time up to `maxMs` (2, 3, 4.5, 6.75, 10, 10… s by default), and never while the
 * tab is hidden. When the tab is shown again it refreshes at once and starts over from `everyMs`.
 *
 * Why: a block page left open through a long switch outage, or in a background tab during a fraud
 * wave, re-rendered every 2 s for as long as it stayed open, each time a full server render. Now an
 * open tab costs a render every 10 s after the first half-minute, a hidden one none, and a person
 * looking at the page still sees the switch's answer within `maxMs`. The Page Visibility API (W3C):
 * `visibilityState` is "hidden" for a background tab, a minimised window or a locked screen.
 *
 * Returns the function that stops the loop (for React's effect cleanup).
 */
export function startRefreshLoop(
  refresh: () => void,
  page: VisiblePage,
  { everyMs = 2000, maxMs = 10_000 }: { everyMs?: number; maxMs?: number } = {},
): () => void {
  let delay = everyMs;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = page.visibilityState === 'hidden' ? undefined : setTimeout(tick, delay);
  };
  const tick = () => {
    refresh();
    delay = Math.min(maxMs, delay * 1.5);
    schedule();
  };
  const onVisibility = () => {
    if (page.visibilityState === 'hidden') {
      clearTimeout(timer);
      timer = undefined;
      return;
    }
    delay = everyMs;
    refresh();
    schedule();
  };
  page.addEventListener('visibilitychange', onVisibility);
  schedule();
  return () => {
    clearTimeout(timer);
    page.removeEventListener('visibilitychange', onVisibility);
  };
}

/** How long one check waits for its answer, ms; then it counts as unanswered (ask again at the next check). */
export const CHECK_TIMEOUT_MS = 10_000;

/**
 * GET `url` for a check of an open page: never from a cache, with the session's cookie, given up
 * after CHECK_TIMEOUT_MS (a stalled connection must not stop the loop, which asks one question at a
 * time). The answer, or null when there was none (offline, the timeout).
 */
export async function askServer(url: string, get: typeof fetch = fetch): Promise<Response | null> {
  try {
    return await get(url, {
      cache: 'no-store',
      credentials: 'same-origin',
      signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
    });
  } catch {
    return null;
  }
}

/**
 * `ask` wrapped so that a call made while its last promise is still out does nothing: one question
 * at a time for a refresh loop's checks. A rejection is dropped (the next check asks again).
 */
export function oneAtATime(ask: () => Promise<unknown>): () => void {
  let asking = false;
  return () => {
    if (asking) return;
    asking = true;
    void ask()
      .catch(() => undefined)
      .finally(() => (asking = false));
  };
}

/**
 * Asks a page's `/api/version/…` route (lib/server/version-answer.ts) whether what the page shows
 * has changed since it was rendered with `version`: true for another version, and for a refusal
 * (401 signed out, 404 no longer the caller's, any other 4xx): the page's own render then says what
 * happened (sign-in, not found). False when the route could not be reached (offline) or could not
 * answer (a 5xx: the database or the server restarting): the next check asks again, and the page the
 * customer is reading stays, where a re-render would have replaced it with the error page. Never cached.
 */
export async function pageChanged(url: string, version: string, get: typeof fetch = fetch): Promise<boolean> {
  const res = await askServer(url, get);
  if (res === null || res.status >= 500) return false;
  if (!res.ok) return true;
  const body = (await res.json().catch(() => null)) as { version?: unknown } | null;
  return body?.version !== version;
}

/**
 * One check of a watched page (components/auto-refresh.tsx `watch`), for startRefreshLoop: asks
 * `url` (pageChanged) and calls `render` when the page's data no longer has `version`, or at once
 * when the last render is `renderEveryMs` old or older (what the fingerprint cannot see). One
 * question at a time: a check that comes while one is out does nothing. `ask` and `now` are the
 * browser's (pageChanged, Date.now) unless a test gives others. Returns the check function.
 */
export function watchedCheck(o: {
  url: string;
  version: string;
  render: () => void;
  renderEveryMs?: number;
  ask?: (url: string, version: string) => Promise<boolean>;
  now?: () => number;
}): () => void {
  const { ask = pageChanged, now = Date.now } = o;
  let renderedAt = now();
  const render = () => {
    renderedAt = now();
    o.render();
  };
  const askOnce = oneAtATime(() => ask(o.url, o.version).then((changed) => changed && render()));
  return () => {
    if (o.renderEveryMs !== undefined && now() - renderedAt >= o.renderEveryMs) return render();
    askOnce();
  };
}
