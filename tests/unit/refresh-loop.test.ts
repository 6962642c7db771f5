import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startRefreshLoop, type VisiblePage } from '@/components/refresh-loop';

/** A page whose visibility the test sets, as the browser's `document` reports it. */
function fakePage() {
  let state: DocumentVisibilityState = 'visible';
  const listeners = new Set<() => void>();
  const page: VisiblePage = {
    get visibilityState() {
      return state;
    },
    addEventListener: (_type, l) => listeners.add(l),
    removeEventListener: (_type, l) => listeners.delete(l),
  };
  const show = (s: DocumentVisibilityState) => {
    state = s;
    for (const l of listeners) l();
  };
  return { page, show, listeners };
}

/** The times (ms since the start) at which `refresh` was called within the first `untilMs`. */
function refreshTimes(untilMs: number, setup?: (f: ReturnType<typeof fakePage>) => void) {
  const f = fakePage();
  const at: number[] = [];
  const start = Date.now();
  const stop = startRefreshLoop(() => at.push(Date.now() - start), f.page);
  setup?.(f);
  vi.advanceTimersByTime(untilMs);
  return { at, stop, f };
}

describe('the refresh loop of a page waiting for the switch', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refreshes after 2 s, then each interval half again as long, at most every 10 s', () => {
    const { at } = refreshTimes(60_000);
    expect(at).toEqual([2000, 5000, 9500, 16_250, 26_250, 36_250, 46_250, 56_250]);
  });

  it('does not refresh a hidden tab, and refreshes at once when it is shown again, from 2 s', () => {
    const f = fakePage();
    const at: number[] = [];
    startRefreshLoop(() => at.push(Date.now()), f.page);
    const t0 = Date.now();
    vi.advanceTimersByTime(5000); // 2 s and 5 s
    f.show('hidden');
    vi.advanceTimersByTime(10 * 60_000);
    expect(at.map((t) => t - t0)).toEqual([2000, 5000]);
    f.show('visible');
    vi.advanceTimersByTime(3000);
    expect(at.map((t) => t - t0)).toEqual([2000, 5000, 605_000, 607_000]);
  });

  it('started in a hidden tab, waits until it is shown', () => {
    const f = fakePage();
    f.show('hidden');
    const at: number[] = [];
    startRefreshLoop(() => at.push(Date.now()), f.page);
    vi.advanceTimersByTime(60_000);
    expect(at).toEqual([]);
    f.show('visible');
    expect(at).toHaveLength(1);
  });

  it('stops: no refresh and no listener left after the page stops waiting', () => {
    const { at, stop, f } = refreshTimes(2500);
    expect(at).toEqual([2000]);
    stop();
    vi.advanceTimersByTime(60_000);
    f.show('hidden');
    f.show('visible');
    expect(at).toEqual([2000]);
    expect(f.listeners.size).toBe(0);
  });
});
