import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { renderOnceAfter } from '@/components/auto-refresh';
import type { VisiblePage } from '@/components/refresh-loop';
import { earliestBusyUntil } from '@/lib/accounts/unsettled';

// An open dashboard kept saying "set a new one from 10:42:06" after 10:42:06, until reloaded: it
// renders again only when its data's fingerprint changes, and time passing changes no data. The page
// now names the earliest busy time still ahead (earliestBusyUntil) and AutoRefresh renders it once
// more at that time (renderAgainInMs, renderOnceAfter), or when the tab is shown again if it is
// hidden then; no request otherwise.

/** A tab whose visibility a test sets, telling its listeners as a browser does. */
function tab(initial: DocumentVisibilityState = 'visible') {
  const listeners = new Set<() => void>();
  let state = initial;
  const page: VisiblePage & { show(s: DocumentVisibilityState): void; listeners: number } = {
    get visibilityState() {
      return state;
    },
    addEventListener: (_: 'visibilitychange', l: () => void) => void listeners.add(l),
    removeEventListener: (_: 'visibilitychange', l: () => void) => void listeners.delete(l),
    show(s) {
      state = s;
      for (const l of [...listeners]) l();
    },
    get listeners() {
      return listeners.size;
    },
  };
  return page;
}

describe('earliestBusyUntil', () => {
  const now = new Date('2026-12-08T10:41:30.000Z');
  const at = (s: number) => new Date(now.getTime() + s * 1000);

  it('is the earliest busy time still ahead of the render', () => {
    expect(
      earliestBusyUntil(
        [{ unsettledBusyUntil: at(90) }, {}, { unsettledBusyUntil: at(36) }, { unsettledBusyUntil: at(-5) }],
        now,
      ),
    ).toEqual(at(36));
  });

  it('is none when every busy time has come (that second included) or none is shown', () => {
    expect(earliestBusyUntil([{ unsettledBusyUntil: at(0) }, { unsettledBusyUntil: at(-1) }], now)).toBe(
      undefined,
    );
    expect(earliestBusyUntil([{}, {}], now)).toBeUndefined();
    expect(earliestBusyUntil([], now)).toBeUndefined();
  });
});

describe('renderOnceAfter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('renders once, at the time, and never before or again', () => {
    const render = vi.fn();
    renderOnceAfter(36_000, tab(), render);
    vi.advanceTimersByTime(35_999);
    expect(render).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(render).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(3600_000);
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('renders at once for a time already past', () => {
    const render = vi.fn();
    renderOnceAfter(-250, tab(), render);
    vi.advanceTimersByTime(0);
    expect(render).toHaveBeenCalledTimes(1);
  });

  it('waits for a hidden tab to be shown, then renders once', () => {
    const render = vi.fn();
    const page = tab('hidden');
    renderOnceAfter(1000, page, render);
    vi.advanceTimersByTime(60_000);
    expect(render).not.toHaveBeenCalled();
    page.show('hidden');
    expect(render).not.toHaveBeenCalled();
    page.show('visible');
    expect(render).toHaveBeenCalledTimes(1);
    page.show('hidden');
    page.show('visible');
    expect(render).toHaveBeenCalledTimes(1);
    expect(page.listeners).toBe(0);
  });

  it('does nothing once cancelled (the page rendered again, or was left)', () => {
    const render = vi.fn();
    const page = tab('hidden');
    const stop = renderOnceAfter(1000, page, render);
    vi.advanceTimersByTime(1000);
    stop();
    page.show('visible');
    const stopEarly = renderOnceAfter(1000, tab(), render);
    stopEarly();
    vi.advanceTimersByTime(60_000);
    expect(render).not.toHaveBeenCalled();
    expect(page.listeners).toBe(0);
  });
});
