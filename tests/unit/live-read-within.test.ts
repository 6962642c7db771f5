import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  LIVE_READ_WAIT_MS,
  LIVE_READ_WAIT_SCRIPTED_MS,
  liveReadWaitMs,
  liveReadWithin,
} from '@/lib/blocks/live-read';

// The block page renders its switch read in place when the read is in within LIVE_READ_WAIT_MS, and
// streams it behind Suspense when it is not (fifty-eighth session): the fallback and the live part
// were rendered on every view before, about half the page's server time.

const later = <T>(value: T, ms: number) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe('the block page’s switch read, waited for a moment', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('is the read and the block it shows when both are in within the wait', async () => {
    const answer = liveReadWithin(later('live block', 40), later('devices', 30));
    await vi.advanceTimersByTimeAsync(40);
    await expect(answer).resolves.toEqual({ block: 'live block', devices: 'devices' });
  });

  it('is null when either is still out at the end of the wait, and the read keeps running', async () => {
    const devices = later('devices', LIVE_READ_WAIT_MS + 1);
    const answer = liveReadWithin(later('live block', 1), devices);
    let settled: unknown = 'pending';
    void answer.then((a) => (settled = a));
    await vi.advanceTimersByTimeAsync(LIVE_READ_WAIT_MS - 1);
    expect(settled).toBe('pending');
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBeNull();
    // The page streams the same promise behind Suspense: it still answers.
    await vi.advanceTimersByTimeAsync(1);
    await expect(devices).resolves.toBe('devices');
  });

  it('is null, never a rejection, when the read fails in time (the streamed part shows the failure)', async () => {
    const failed = Promise.reject(new Error('switch down'));
    failed.catch(() => {}); // the page's Suspense path awaits it; here nothing else does
    await expect(liveReadWithin(later('live block', 1), failed)).resolves.toBeNull();
    // And a failure after the wait is not this function's: no unhandled rejection.
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const lateFailure = new Promise((_, reject) => setTimeout(() => reject(new Error('late')), 500));
      lateFailure.catch(() => {});
      const answer = liveReadWithin(Promise.resolve('b'), lateFailure, 100);
      await vi.advanceTimersByTimeAsync(600);
      await expect(answer).resolves.toBeNull();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('how long the block page waits for its read', () => {
  it('is a quarter of a second for a page load, and longer for the open page’s own refresh', () => {
    // W3C Fetch Metadata: `document` for a page the browser loads, `empty` for a fetch(), the App
    // Router's RSC request (a refresh of the open page, a navigation inside the portal).
    expect(liveReadWaitMs('document')).toBe(LIVE_READ_WAIT_MS);
    expect(liveReadWaitMs('empty')).toBe(LIVE_READ_WAIT_SCRIPTED_MS);
    expect(LIVE_READ_WAIT_SCRIPTED_MS).toBeGreaterThan(LIVE_READ_WAIT_MS);
    // No header (an older browser, a script, a proxy that drops it), or another destination: a load.
    for (const other of [null, undefined, '', 'iframe', 'EMPTY', 'script']) {
      expect(liveReadWaitMs(other)).toBe(LIVE_READ_WAIT_MS);
    }
  });
});
