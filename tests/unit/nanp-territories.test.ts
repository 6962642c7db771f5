import { type CountryCode, getExampleNumber } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled, US_RATE_INTEGRATED } from '@/lib/phone/format';

// Puerto Rico, the US Virgin Islands, Guam, the Northern Mariana Islands and American Samoa are in
// the NANP and, from the US, rated as domestic calls (US rate integration, 47 U.S.C. § 254(g)); they
// were flagged as "NANP outside the US and Canada" and a US account's callback number there refused.

const TERRITORIES = ['PR', 'VI', 'GU', 'MP', 'AS'] as const;
const example = (c: CountryCode) => getExampleNumber(c, examples)!.number as string;

describe('US territories in the NANP are not high-cost from the US', () => {
  it.each(TERRITORIES)('%s from a US account: named, outside the US, not high-cost', (territory) => {
    const e164 = example(territory);
    expect(describeDialled(e164, 'US')).toMatchObject({
      country: territory,
      international: true,
      highCost: null,
    });
    // Written as a US switch writes it: NANP's trunk 1, then the ten digits.
    expect(describeDialled(e164.slice(1), 'US')).toMatchObject({ country: territory, highCost: null });
    expect(checkCallbackNumber(e164, 'US')).toMatchObject({ ok: true, e164 });
  });

  it('nor from one territory to another, or to the US', () => {
    expect(describeDialled(example('VI'), 'PR').highCost).toBeNull();
    expect(describeDialled(example('GU'), 'MP').highCost).toBeNull();
    expect(describeDialled(example('US'), 'AS').highCost).toBeNull();
    expect(checkCallbackNumber('+1 787 234 5678', 'VI')).toMatchObject({ ok: true });
  });

  it('they are flagged from Canada, whose carriers § 254(g) does not bind', () => {
    for (const territory of TERRITORIES)
      expect(describeDialled(example(territory), 'CA').highCost, territory).toBe('nanp_outside_us_ca');
    expect(checkCallbackNumber('+1 787 234 5678', 'CA')).toMatchObject({ ok: false, reason: 'high_cost' });
    expect(describeDialled(example('US'), 'CA').highCost).toBeNull();
  });

  it('the other Caribbean NANP countries stay flagged from the US and its territories', () => {
    for (const country of ['JM', 'DO', 'AG', 'GD', 'BS', 'VG', 'KY', 'TC'] as CountryCode[]) {
      expect(describeDialled(example(country), 'US').highCost, country).toBe('nanp_outside_us_ca');
      expect(describeDialled(example(country), 'PR').highCost, country).toBe('nanp_outside_us_ca');
    }
    expect(checkCallbackNumber('+1 876 210 1234', 'US')).toMatchObject({ ok: false, reason: 'high_cost' });
  });

  it('names exactly the US and the five territories', () =>
    expect([...US_RATE_INTEGRATED].sort()).toEqual(['AS', 'GU', 'MP', 'PR', 'US', 'VI']));
});
