import { describe, expect, it } from 'vitest';
import { translate } from '@/lib/i18n/translate';
import { fail, isOutcome, missing, succeed } from '@/lib/server/outcome';
import { outcomeToState } from '@/lib/server/outcome-state';

// The one mapping from a domain's Outcome to the form state an action returns (issue 11): words in
// the caller's language from the real catalogues, not_found as Next's 404, data passed through.

const en = translate('en');
const es = translate('es');

describe('outcomeToState', () => {
  it('a success carries its data and, when there is one, its note in words', () => {
    expect(outcomeToState(succeed({ requestId: 'r1' }), en)).toEqual({ ok: true, data: { requestId: 'r1' } });
    expect(outcomeToState(succeed(undefined, { key: 'outcome.correctFields' }), en)).toEqual({
      ok: true,
      message: 'Please correct the highlighted fields.',
    });
  });

  it('a refusal becomes ok: false with its message and field errors in the reader’s language', () => {
    const refusal = fail('invalid', 'outcome.correctFields', undefined, {
      'callIds[]': [{ key: 'outcome.request.callsOfBlock' }],
      callbackPhone: [
        {
          key: 'outcome.callback.highCost',
          values: { number: '+882 13 10 0123', country: { key: 'outcome.callback.noCountry' } },
        },
      ],
    });
    expect(outcomeToState(refusal, en)).toEqual({
      ok: false,
      message: 'Please correct the highlighted fields.',
      fieldErrors: {
        'callIds[]': ['Choose calls from this block.'],
        callbackPhone: [
          '+882 13 10 0123 is a high-cost number (outside any country): support cannot call it back. Enter an ordinary landline or mobile number.',
        ],
      },
    });
    const inSpanish = outcomeToState(refusal, es);
    expect(inSpanish.message).toBe('Corrija los campos marcados.');
    expect(inSpanish.fieldErrors?.callbackPhone?.[0]).toContain('fuera de cualquier país');
    // The code says what happened to the program; it is not sent to the browser.
    expect(inSpanish).not.toHaveProperty('code');
  });

  it('not_found throws Next’s 404 rather than returning a state', () => {
    expect(() => outcomeToState(missing(), en)).toThrow(
      expect.objectContaining({ digest: expect.stringMatching(/404/) }),
    );
  });
});

describe('isOutcome', () => {
  it('tells an Outcome from form state already in words', () => {
    expect(isOutcome(fail('conflict', 'outcome.request.notPending'))).toBe(true);
    expect(isOutcome(missing())).toBe(true);
    expect(isOutcome(succeed())).toBe(true);
    expect(isOutcome({ message: 'Your session has ended.' })).toBe(false);
    expect(isOutcome({ ok: false, message: 'Not now.' })).toBe(false);
    expect(isOutcome({ ok: true, message: 'Password updated' })).toBe(false);
  });
});
