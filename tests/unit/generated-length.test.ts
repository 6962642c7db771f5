import { describe, expect, it } from 'vitest';
import { lengthToUse } from '@/components/sip/reset-form';
import { GENERATED_DEFAULT, GENERATED_MAX, generatedLengthFor } from '@/lib/passwords/generate';

// Found by a tester (2026-12-06): the reset form's Length field said 8 while "Generate strong password"
// drew 21 characters, and 200 while it drew 64, with no word. Generate uses a whole length within the
// range (the least reaches the SIP rule's strength), writes it back, and says why when it differs.

describe('the length Generate uses for what the Length field holds', () => {
  const shortest = generatedLengthFor(18); // the default SIP rule: 10^18 guesses

  it('keeps a whole length within the range as typed', () => {
    expect(shortest).toBe(21);
    for (const n of [shortest, 24, 32, GENERATED_MAX])
      expect(lengthToUse(String(n), shortest)).toEqual({ length: n, why: null });
  });

  it('raises a length below the rule’s least to it, whatever was typed', () => {
    for (const typed of ['8', '0', '-5', '16.5', '20'])
      expect(lengthToUse(typed, shortest), typed).toEqual({ length: shortest, why: 'short' });
    // A stricter rule (10^30) raises the least too.
    expect(lengthToUse('24', generatedLengthFor(30))).toEqual({ length: 33, why: 'short' });
  });

  it('lowers a length above the most the generator makes to it', () => {
    for (const typed of ['65', '200', '1e6'])
      expect(lengthToUse(typed, shortest), typed).toEqual({ length: GENERATED_MAX, why: 'long' });
  });

  it('rounds a fraction within the range, and says so', () => {
    expect(lengthToUse('30.5', shortest)).toEqual({ length: 31, why: 'whole' });
    expect(lengthToUse('24.2', shortest)).toEqual({ length: 24, why: 'whole' });
  });

  it('uses the default for an empty field (a number field gives "" for text it cannot read)', () => {
    for (const typed of ['', '  '])
      expect(lengthToUse(typed, shortest)).toEqual({ length: GENERATED_DEFAULT, why: 'empty' });
    expect(lengthToUse('', generatedLengthFor(30))).toEqual({ length: 33, why: 'empty' });
  });
});
