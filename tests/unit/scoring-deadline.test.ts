import { describe, expect, it } from 'vitest';
import type { MessagePort } from 'node:worker_threads';
import { withScoringDeadline } from '@/lib/passwords/check';

// The two bounds of a password check (lib/passwords/check.ts): the wait for a thread to begin scoring,
// then the scoring. A stand-in for piscina's run: it says "started" on the port after `startAfterMs`
// (never, with null), answers `finishAfterMs` later, and rejects with an AbortError when the signal
// aborts, as piscina does. Each case is decided by which of two timers fires first, never by how long
// anything took.
function task(startAfterMs: number | null, finishAfterMs: number) {
  const seen = { aborted: false };
  const score = (started: MessagePort, signal: AbortSignal) =>
    new Promise<string>((resolve, reject) => {
      const timers: NodeJS.Timeout[] = [];
      signal.addEventListener('abort', () => {
        seen.aborted = true;
        timers.forEach(clearTimeout);
        reject(Object.assign(new Error('The task has been aborted'), { name: 'AbortError' }));
      });
      if (startAfterMs === null) return;
      timers.push(
        setTimeout(() => {
          started.postMessage('started');
          timers.push(setTimeout(() => resolve('scored'), finishAfterMs));
        }, startAfterMs),
      );
    });
  return { score, seen };
}

describe('withScoringDeadline', () => {
  it('does not count the wait for a thread against the scoring deadline', async () => {
    // 300 ms waiting for a thread (one starting), 10 ms scoring, against a 100 ms deadline.
    const { score, seen } = task(300, 10);
    expect(await withScoringDeadline(score, 100, 10_000)).toBe('scored');
    expect(seen.aborted).toBe(false);
  });

  it('stops a task that scores past the deadline', async () => {
    const { score, seen } = task(0, 5_000);
    expect(await withScoringDeadline(score, 100, 10_000)).toBe('timeout');
    expect(seen.aborted).toBe(true);
  });

  it('stops a task no thread began within the wait', async () => {
    const { score, seen } = task(null, 0);
    expect(await withScoringDeadline(score, 10_000, 100)).toBe('timeout');
    expect(seen.aborted).toBe(true);
  });

  it("passes on a task's own failure", async () => {
    await expect(
      withScoringDeadline(() => Promise.reject(new Error('worker crashed')), 100, 100),
    ).rejects.toThrow('worker crashed');
  });
});
