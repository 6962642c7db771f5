import { describe, expect, it } from 'vitest';
import { isLiftRefusal } from '@/lib/blocks/queries';
import { storeNote } from '@/lib/i18n/stored';

// The block page says "the switch refused the lift; support was told" (explanation.tsx rotationStep
// `rotatedStillBlocked`) only for the switch's refusal, never for Tollgate's own withdrawal of a
// queued lift, whose timeline entry is also a `lift_requested` by `switch` (lib/blocks/lifecycle.ts
// cancelQueuedLifts). Until 2026-12-07 any entry by `switch` counted.
describe('isLiftRefusal', () => {
  const refused = storeNote('history.liftRefused', { error: '409: manual block in force' });

  it('is the switch refusing the lift, as stored now and as the English sentence stored before notes', () => {
    expect(isLiftRefusal({ actor: 'switch', detail: refused })).toBe(true);
    expect(
      isLiftRefusal({
        actor: 'switch',
        detail: 'The switch refused the lift (409: manual block in force). Support will follow up.',
      }),
    ).toBe(true);
  });

  it.each([
    'history.liftCancelledNewBlock',
    'history.liftCancelledNewer',
    'history.liftCancelledManual',
    'history.liftWithheldSuspect',
  ] as const)('is not Tollgate withdrawing a queued lift (%s)', (key) => {
    expect(isLiftRefusal({ actor: 'switch', detail: storeNote(key) })).toBe(false);
  });

  it('is not a lift someone asked for, a person’s words, or no entry', () => {
    expect(isLiftRefusal({ actor: 'tollgate', detail: refused })).toBe(false);
    expect(isLiftRefusal({ actor: 'user-1', detail: storeNote('history.liftRequest') })).toBe(false);
    expect(isLiftRefusal({ actor: 'switch', detail: 'The switch refused the lift, I think' })).toBe(false);
    expect(isLiftRefusal({ actor: 'switch', detail: null })).toBe(false);
    expect(isLiftRefusal(undefined)).toBe(false);
  });
});
