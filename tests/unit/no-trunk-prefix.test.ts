import { type CountryCode, getCountries } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { planOf, trunkPrefixOf } from '@/lib/phone/plan';
import { asNationalNumber, prefixSlip } from '@/lib/requests/dialling';
import { misdialLikelihood } from '@/lib/requests/misdial-likelihood';

// libphonenumber's compressed metadata writes "no trunk prefix" as the number 0, not a string, so
// `nationalPrefix() ?? ''` gave 0 and "0963123456" was tried as Spain's number: the "00 for 0" slip
// (a Spanish PBX user dialling the access code 0 twice: "00963123456", Syria) was never seen in
// Spain, Mexico, Portugal or Denmark. Italy has no trunk prefix either, but its numbers keep their 0.

const call = (to: string) => ({
  id: 'c1',
  at: new Date('2026-11-24T10:00:00Z'),
  to,
  durationSec: 0,
  sipUsername: 'recepcion',
  sourceIp: '192.0.2.10',
});

describe('a country without a trunk prefix (libphonenumber-js gives the number 0)', () => {
  it('is what the installed metadata says, and trunkPrefixOf reads it as ""', () => {
    expect(planOf('ES').nationalPrefix()).toBe(0); // the installed libphonenumber-js's placeholder
    for (const c of ['ES', 'MX', 'PT', 'DK', 'IT', 'NO', 'CL'] as const) expect(trunkPrefixOf(c), c).toBe('');
    expect([trunkPrefixOf('GB'), trunkPrefixOf('US'), trunkPrefixOf('RU'), trunkPrefixOf('HU')]).toEqual([
      '0',
      '1',
      '8',
      '06',
    ]);
    // Every country: a string of digits or "", never the placeholder.
    for (const c of getCountries()) expect(trunkPrefixOf(c), c).toMatch(/^\d*$/);
  });

  it.each([
    ['00963123456', 'ES', '963123456', '963 12 34 56'], // not Syria: Valencia
    ['00 55 1234 5678', 'MX', '5512345678', '55 1234 5678'], // not Brazil: Mexico City
    ['00 21 123 4567', 'PT', '211234567', '21 123 4567'], // not South Sudan: Lisbon
    ['00 32 12 34 56', 'DK', '32123456', '32 12 34 56'], // not Belgium: Copenhagen
    ['00 312 345 6789', 'IT', '3123456789', '312 345 6789'], // not the Netherlands: an Italian mobile
    ['006 1234 5678', 'IT', '612345678', '06 1234 5678'], // Rome's 06, its 0 dialled twice
  ] as [string, CountryCode, string, string][])(
    '%s from %s is the slip for %s, %s',
    (raw, country, digits, national) => {
      expect(asNationalNumber(raw, country)).toBe(national);
      // The block page, the notice and the misdial page show it (prefixSlip), the dialled digits
      // grouped as the national number beside them ("00 963 12 34 56"; Rome's "00 6 1234 5678")…
      const grouped = national.startsWith('0') && !digits.startsWith('0') ? national.slice(1) : national;
      expect(prefixSlip([raw], country)).toEqual({ idd: '00', digits: grouped, national });
      // …and staff read it as evidence, grouped alike, with "no trunk prefix" said so.
      const likelihood = misdialLikelihood({
        accountCountry: country,
        timeZone: 'Europe/Madrid',
        reason: 'high_risk_destination',
        calls: [call(raw)],
      });
      expect(likelihood.signals.find((s) => s.key === 'trunk_prefix')?.note.values).toEqual({
        idd: '00',
        digits: grouped,
        trunk: 'none',
        national,
      });
    },
  );
});
