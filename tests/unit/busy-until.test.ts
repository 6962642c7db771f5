import { describe, expect, it } from 'vitest';
import {
  askedToWaitUntil,
  busyUntilOf,
  MAX_BUSY_WAIT_SECONDS,
  pausedReadsUntil,
} from '@/lib/credentials/change-state';

// The one reading of "busy until" from a SIP password change as stored (lib/credentials/change-state.ts):
// when its answer came (completedAt) plus the Retry-After the switch gave, capped at an hour.

const answered = new Date('2026-12-08T10:41:25.400Z');
const asked = (s: number) => `asked_to_wait: ${s} s; simulated_failure: HTTP 429 simulated_failure: injected`;

describe('busyUntilOf', () => {
  it('counts from the stored answer, rounded up to the second', () => {
    const row = { status: 'unknown', error: asked(40), completedAt: answered };
    expect(busyUntilOf(row)).toEqual(new Date('2026-12-08T10:42:06.000Z'));
    // The text or number a raw SQLite read returns is the same time.
    expect(busyUntilOf({ ...row, completedAt: answered.toISOString() })).toEqual(busyUntilOf(row));
    expect(busyUntilOf({ ...row, completedAt: answered.getTime() })).toEqual(busyUntilOf(row));
  });

  it('is null for another error, another status, or no answer time', () => {
    expect(
      busyUntilOf({ status: 'unknown', error: 'internal_error: HTTP 500', completedAt: answered }),
    ).toBeNull();
    expect(busyUntilOf({ status: 'applied', error: asked(40), completedAt: answered })).toBeNull();
    expect(busyUntilOf({ status: 'unknown', error: asked(40), completedAt: null })).toBeNull();
  });

  it('honours at most an hour, as the outbox', () => {
    expect(askedToWaitUntil(asked(86_400), answered)!.getTime() - answered.getTime()).toBeLessThanOrEqual(
      MAX_BUSY_WAIT_SECONDS * 1000 + 1000,
    );
    expect(MAX_BUSY_WAIT_SECONDS).toBe(3600);
  });
});

describe('pausedReadsUntil', () => {
  const busy = new Date('2026-12-08T10:42:06.000Z');
  it("names the change's time when the pause is that answer's (a second apart) or ends before it", () => {
    expect(pausedReadsUntil(new Date('2026-12-08T10:42:05.000Z'), busy)).toEqual(busy);
    expect(pausedReadsUntil(new Date('2026-12-08T10:42:07.000Z'), busy)).toEqual(busy);
    expect(pausedReadsUntil(new Date('2026-12-08T10:40:00.000Z'), busy)).toEqual(busy);
  });
  it("names the pause's own time when a later answer stretched it, or without a busy change", () => {
    const later = new Date('2026-12-08T10:45:00.000Z');
    expect(pausedReadsUntil(later, busy)).toEqual(later);
    expect(pausedReadsUntil(later, null)).toEqual(later);
  });
});
