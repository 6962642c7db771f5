import { describe, expect, it } from 'vitest';
import { translate } from '@/lib/i18n/translate';
import { nextTryOf } from '@/lib/staff/switch-waiting';
import { readSwitchError, storedSwitchError, switchErrorText } from '@/lib/switch/error-text';
import type { SwitchFailure } from '@/lib/switch/result';

// A fraud wave's support desk (tester's report, 2026-12-07): a change the switch answered 429 with
// Retry-After: 600 read "the switch was unavailable", and "Still being sent to the switch" printed
// next tries already past while the switch had asked Tollgate to pause. What is stored of such an
// answer now says how long the switch asked for; the list's next try is never before now or the pause.

const english = translate('en');
const spanish = translate('es');

/** A failure as the transport gives it for the simulator's injected fault with `status`. */
const injected = (status: number, retryAfterMs?: number): SwitchFailure => ({
  ok: false,
  kind: 'unavailable',
  status,
  code: 'simulated_failure',
  message: `HTTP ${status} simulated_failure: injected fault: the switch failed before applying anything`,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});

describe('a failure the switch answered with "wait"', () => {
  it('is stored with the wait it asked for, on a 429 or a 503 with Retry-After', () => {
    expect(storedSwitchError(injected(429, 600_000))).toBe(
      'asked_to_wait: 600 s; simulated_failure: HTTP 429 simulated_failure: injected fault: the switch failed before applying anything',
    );
    // Rounded up to the whole second (an HTTP-date gives milliseconds).
    expect(storedSwitchError(injected(503, 29_001))).toMatch(
      /^asked_to_wait: 30 s; simulated_failure: HTTP 503 /,
    );
    // No wait asked: stored as before.
    for (const f of [injected(429), injected(503), injected(503, 0), injected(500, 30_000)])
      expect(storedSwitchError(f)).toBe(`simulated_failure: ${f.message}`);
    expect(storedSwitchError({ kind: 'unavailable', message: 'no answer within 5000 ms' })).toBe(
      'unavailable: no answer within 5000 ms',
    );
  });

  it('reads "asked to wait" with how long, in both languages, and the switch’s own words after it', () => {
    const stored = storedSwitchError(injected(429, 600_000));
    expect(readSwitchError(stored)).toEqual({
      kind: 'askedToWait',
      code: 'simulated_failure',
      detail: 'injected fault: the switch failed before applying anything',
      waitSeconds: 600,
    });
    expect(switchErrorText(english, stored)).toBe(
      'the switch asked Tollgate to wait 10 minutes before calling it again (it answered “simulated_failure”): injected fault: the switch failed before applying anything',
    );
    expect(switchErrorText(spanish, stored)).toBe(
      'el switch pidió a Tollgate que esperara 10 minutos antes de volver a llamarlo (respondió «simulated_failure»): injected fault: the switch failed before applying anything',
    );
    // Exactly what was asked: seconds unless a whole number of minutes or hours.
    const words = (retryAfterMs: number) =>
      switchErrorText(english, storedSwitchError(injected(503, retryAfterMs)));
    expect(words(30_000)).toMatch(/^the switch asked Tollgate to wait 30 seconds before/);
    expect(words(1_000)).toMatch(/^the switch asked Tollgate to wait 1 second before/);
    expect(words(90_000)).toMatch(/^the switch asked Tollgate to wait 90 seconds before/);
    expect(words(60_000)).toMatch(/^the switch asked Tollgate to wait 1 minute before/);
    expect(words(7_200_000)).toMatch(/^the switch asked Tollgate to wait 2 hours before/);
    expect(switchErrorText(spanish, storedSwitchError(injected(503, 3_600_000)))).toMatch(
      /^el switch pidió a Tollgate que esperara 1 hora antes/,
    );
    // Without the switch's error body (a proxy's 429 with Retry-After): the wait, no code.
    const bare = storedSwitchError({
      kind: 'unavailable',
      status: 429,
      code: 'bad_body',
      message: "HTTP 429 without the switch's error body",
      retryAfterMs: 5_000,
    });
    expect(switchErrorText(english, bare)).toBe(
      'the switch asked Tollgate to wait 5 seconds before calling it again',
    );
  });

  it('a 429 stored before its wait was, or without a Retry-After, still reads "asked to wait"', () => {
    expect(switchErrorText(english, 'rate_limited: HTTP 429 rate_limited: slow down')).toBe(
      'the switch asked Tollgate to wait before calling it again (it answered “rate_limited”): slow down',
    );
    expect(switchErrorText(spanish, 'rate_limited: HTTP 429 rate_limited: slow down')).toBe(
      'el switch pidió a Tollgate que esperara antes de volver a llamarlo (respondió «rate_limited»): slow down',
    );
    expect(switchErrorText(english, "bad_body: HTTP 429 without the switch's error body")).toBe(
      'the switch asked Tollgate to wait before calling it again (too many requests)',
    );
    expect(readSwitchError(storedSwitchError(injected(429)))).toMatchObject({
      kind: 'askedToWait',
      code: 'simulated_failure',
    });
  });

  it('leaves every other stored failure as it read: a 503 without Retry-After is still "unavailable"', () => {
    expect(switchErrorText(english, 'maintenance: HTTP 503 maintenance: back at 02:00')).toBe(
      'the switch was unavailable (it answered “maintenance”): back at 02:00',
    );
    expect(switchErrorText(english, 'unavailable: HTTP 503 unavailable: maintenance')).toBe(
      'the switch was unavailable',
    );
    expect(switchErrorText(english, "bad_body: HTTP 503 without the switch's error body")).toBe(
      "the switch's answer could not be read",
    );
    // A switch refusing with a code of that name is its answer, not a wait Tollgate stored.
    expect(readSwitchError('asked_to_wait: HTTP 409 asked_to_wait: later').kind).toBe('answered');
    expect(readSwitchError('asked_to_wait: soon').kind).toBe('answered');
  });
});

describe("a waiting change's next try", () => {
  const now = new Date('2026-12-06T22:17:38.400Z');
  const at = (iso: string) => new Date(iso);

  it('is never a time already past: a next attempt due says so (null)', () => {
    expect(nextTryOf(at('2026-12-06T22:15:00Z'), null, now)).toBeNull();
    expect(nextTryOf(at('2026-12-06T22:17:38.000Z'), null, now)).toBeNull();
    // Due within the second now: shown as the next whole second, never before now.
    expect(nextTryOf(at('2026-12-06T22:17:38.500Z'), null, now)).toEqual({
      at: at('2026-12-06T22:17:39Z'),
      afterPause: false,
    });
    expect(nextTryOf(at('2026-12-06T22:18:00Z'), null, now)).toEqual({
      at: at('2026-12-06T22:18:00Z'),
      afterPause: false,
    });
  });

  it('while the switch asked for a pause, is the later of its own next attempt and the pause’s end', () => {
    const quiet = at('2026-12-06T22:20:17Z');
    // Due (or not sent yet): goes when the pause ends.
    expect(nextTryOf(at('2026-12-06T22:15:00Z'), quiet, now)).toEqual({ at: quiet, afterPause: true });
    expect(nextTryOf(at('2026-12-06T22:19:00Z'), quiet, now)).toEqual({ at: quiet, afterPause: true });
    // Its own wait is longer (the switch's Retry-After of 10 minutes on this change): that.
    expect(nextTryOf(at('2026-12-06T22:27:38.2Z'), quiet, now)).toEqual({
      at: at('2026-12-06T22:27:39Z'),
      afterPause: false,
    });
  });
});
