// A form's answer that is news only until the switch answers ("On its way to the switch … this page
// shows when", lib/switch/awaits-switch.ts), and the page's own refresh (components/auto-refresh.tsx).
// The page refreshes itself (router.refresh) while something waits for the switch; a refresh keeps
// every client component's state, so a form's answer stayed on the page after the refreshed page
// showed the switch's confirmation ("On its way" beside "In force"). The page's loops are counted
// here, and the form drops such an answer once its page has stopped waiting. Pure: no React, no DOM.

/** A count of the refresh loops a page runs, with listeners (React's useSyncExternalStore). */
export type WaitCount = {
  /** One loop started; returns the function that ends it (React effect cleanup). */
  start(): () => void;
  /** Calls `listener` at each change of `waiting()`; returns the function that stops that. */
  subscribe(listener: () => void): () => void;
  /** True while at least one loop runs: the page waits for something. */
  waiting(): boolean;
};

/** A new WaitCount, at zero. */
export function createWaitCount(): WaitCount {
  let loops = 0;
  const listeners = new Set<() => void>();
  const change = (by: number) => {
    const before = loops > 0;
    loops += by;
    if (before !== loops > 0) for (const l of [...listeners]) l();
  };
  return {
    start() {
      change(1);
      let ended = false;
      return () => {
        if (ended) return;
        ended = true;
        change(-1);
      };
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    waiting: () => loops > 0,
  };
}

/** The browser page's loops: AutoRefresh starts one while mounted; ActionForm reads them. */
export const pageWaits = createWaitCount();

/**
 * Where a form's last answer stands: `answer`, the form state it is about; `seen`, its page has waited
 * (a refresh loop ran) since it arrived; `over`, and has stopped waiting since.
 */
export type AnswerWait<S> = { answer: S; seen: boolean; over: boolean };

/**
 * The next AnswerWait, from the last one `prev`, the form's `answer` now, whether that answer is news
 * only until the switch answers (`untilSwitch`: a success with AWAITS_SWITCH) and whether the page
 * waits now (`waiting`). A new answer starts afresh. Such an answer is `over` once the page, having
 * waited since it arrived, waits no more: the page shows the switch's answer (confirmed or refused)
 * itself. An answer whose page never waited (nothing queued after all, or a page without a refresh
 * loop) stays, as any other answer. Returns `prev` itself when nothing changed (React state).
 */
export function followAnswer<S>(
  prev: AnswerWait<S>,
  answer: S,
  untilSwitch: boolean,
  waiting: boolean,
): AnswerWait<S> {
  if (prev.answer !== answer) return { answer, seen: untilSwitch && waiting, over: false };
  if (!untilSwitch || prev.over) return prev;
  if (waiting) return prev.seen ? prev : { ...prev, seen: true };
  return prev.seen ? { ...prev, over: true } : prev;
}
