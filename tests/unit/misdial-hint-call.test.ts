import { describe, expect, it } from 'vitest';
import { translate } from '@/lib/i18n/translate';
import { prefixSlip, slipDigits } from '@/lib/requests/dialling';

// A tester's Mexican block (2026-12-06), calls to "00 33 1234 5678" then "00 33 1234 5267": the hint
// said "Si alguien quería marcar el número nacional 33 1234 5267 y marcó 00 3312345267 por error",
// the dialled digits run together beside the spaced national number. The dialled form is now grouped
// as the national number is, and the hint names the most called number that fits, the first given
// among equally called ones (prefixSlip's docstring says why).

describe('the misdial hint’s dialled form', () => {
  it('is grouped as the national number beside it, in both languages', () => {
    const slip = prefixSlip(['+3312345678'], 'MX');
    expect(slip).toEqual({ idd: '00', digits: '33 1234 5678', national: '33 1234 5678' });
    expect(translate('es')('mail.blockNotice.stepMisdialSlip', { ...slip! })).toContain(
      'Si alguien quería marcar el número nacional 33 1234 5678 y marcó 00 33 1234 5678 por error',
    );
    expect(translate('en')('mail.blockNotice.stepMisdialSlip', { ...slip! })).toContain(
      'If someone meant to dial the national number 33 1234 5678 and dialled 00 33 1234 5678 instead',
    );
  });

  it.each([
    ['3312345267', '33 1234 5267', '33 1234 5267'], // Mexico: the national number's own digits
    ['2079460000', '020 7946 0000', '20 7946 0000'], // Great Britain: its trunk 0 left out
    ['351152345472', '0351 15-234-5472', '351 15-234-5472'], // Argentina, its hyphens kept
    ['6012345678', '(601) 2345678', '601 2345678'], // Colombia: no brackets after a prefix
    ['2125550123', '(212) 555-0123', '212 555-0123'], // NANP: "1" is not in the national format
    ['612345678', '06 1234 5678', '6 1234 5678'], // Italy: Rome's 0 was the prefix's second 0
    ['963123024', '963 12 30 24', '963 12 30 24'], // Spain
  ])('%s meant as %s is written %s', (digits, national, grouped) => {
    expect(slipDigits(digits, national)).toBe(grouped);
    expect(grouped.replace(/\D/g, '')).toBe(digits);
  });

  it('keeps the digits as they are when the national number holds other digits', () => {
    expect(slipDigits('3312345267', '55 1234 5678')).toBe('3312345267');
  });

  it('is what the "+" form shows where the country has no one prefix', () => {
    expect(prefixSlip(['+6012345678'], 'CO')).toEqual({
      idd: 'plus',
      digits: '601 2345678',
      national: '(601) 2345678',
    });
  });
});

describe('which of the block’s calls the hint names', () => {
  it('the most called that fits', () => {
    // The misdial page gives the calls themselves (oldest first): one to 5267, two to 5678.
    expect(prefixSlip(['+3312345267', '+3312345678', '+3312345678'], 'MX')?.national).toBe('33 1234 5678');
    // A number that is no slip is passed over, however often it was called.
    expect(prefixSlip(['+252611234567', '+252611234567', '+3312345267'], 'MX')?.national).toBe(
      '33 1234 5267',
    );
  });

  it('among equally called, the first given: the first call where the calls come in their order', () => {
    expect(prefixSlip(['00 33 1234 5678', '00 33 1234 5267'], 'MX')).toEqual({
      idd: '00',
      digits: '33 1234 5678',
      national: '33 1234 5678',
    });
    expect(prefixSlip(['+3312345678', '+3312345267'], 'MX')?.national).toBe('33 1234 5678');
  });

  it('none when no call fits', () => {
    expect(prefixSlip(['+252611234567', '+5391234567'], 'MX')).toBeNull();
  });
});
