import type { CountryCode } from 'libphonenumber-js';
import { describe, expect, it } from 'vitest';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled, parseUserPhone } from '@/lib/phone/format';
import { readTyped } from '@/lib/phone/typed';
import { asNationalNumber } from '@/lib/requests/dialling';

// France and its overseas departments share one ten-digit national plan under four country codes
// (lib/phone/plan.ts nationalPlanSiblings). libphonenumber reads a national number in one region's
// metadata only, so "0692 12 34 56" (a Réunion mobile) typed by a French customer was "not a valid
// phone number", and a French switch's "0262 26 12 34" a number the block page could not read.

/** [account country, national number as written, the E.164 number it is, that number's region] */
const CASES: [CountryCode, string, string, string][] = [
  ['FR', '0692 12 34 56', '+262692123456', 'RE'],
  ['FR', '0262 26 12 34', '+262262261234', 'RE'],
  ['FR', '0639 01 23 45', '+262639012345', 'YT'],
  ['FR', '0690 12 34 56', '+590690123456', 'GP'],
  ['FR', '0694 12 34 56', '+594694123456', 'GF'],
  ['FR', '0696 12 34 56', '+596696123456', 'MQ'],
  ['RE', '06 12 34 56 78', '+33612345678', 'FR'],
  ['RE', '01 45 67 89 01', '+33145678901', 'FR'],
  ['GP', '0692 12 34 56', '+262692123456', 'RE'],
  ['MQ', '0690 12 34 56', '+590690123456', 'GP'],
];

describe('a national number of a region sharing the account country’s plan', () => {
  it.each(CASES)('typed from %s: %s is %s', (country, written, e164) => {
    expect(parseUserPhone(written, country)).toBe(e164);
    expect(checkCallbackNumber(written, country)).toMatchObject({ ok: true, e164 });
  });

  it.each(CASES)('dialled from %s: %s is %s (%s)', (country, written, e164, region) => {
    expect(describeDialled(written.replaceAll(' ', ''), country)).toMatchObject({
      e164,
      form: 'national',
      country: region,
    });
  });

  it('a number valid in the account country itself is read there first', () => {
    expect(parseUserPhone('06 12 34 56 78', 'FR')).toBe('+33612345678');
    expect(parseUserPhone('0692 12 34 56', 'RE')).toBe('+262692123456');
    expect(describeDialled('0612345678', 'FR')).toMatchObject({ e164: '+33612345678', country: 'FR' });
  });

  it('countries outside the shared plan are not read in it', () => {
    // The same digits from Belgium or Spain are no French number.
    expect(readTyped('0692 12 34 56', 'BE')?.number).not.toBe('+262692123456');
    expect(parseUserPhone('0692 12 34 56', 'ES')).toBeNull();
    // Saint-Pierre-et-Miquelon dials the mainland through 00: its own plan only.
    expect(parseUserPhone('06 12 34 56 78', 'PM')).toBeNull();
  });
});

// Brazil's "0xx" (lib/phone/typed.ts rule 7): the trunk 0 and a placeholder for the carrier code,
// printed on business cards and websites before the area code.
describe('Brazil’s "0xx" before an area code', () => {
  it.each([
    ['(0xx11) 98765-4321', '+5511987654321'],
    ['0XX21 2345-6789', '+552123456789'],
    ['(0 xx 11) 98765-4321', '+5511987654321'],
    ['0xx (11) 98765-4321', '+5511987654321'],
    ['0xx11987654321', '+5511987654321'],
  ])('%s is %s', (written, e164) => {
    expect(parseUserPhone(written, 'BR')).toBe(e164);
    expect(checkCallbackNumber(written, 'BR')).toMatchObject({ ok: true, e164 });
  });

  it('only in Brazil', () => {
    expect(parseUserPhone('(0xx11) 98765-4321', 'PT')).toBeNull();
  });
});

// The "00 instead of 0" slip, where home is a plan shared with overseas departments (review, session
// 40): from France "00690 12 34 56" reads as Tokelau (+690), a toll-fraud destination, but was meant
// for Guadeloupe's "0690 12 34 56"; the block page's hint and the agent's misdial hint missed it.
describe('a slip before a number of the shared French plan', () => {
  it.each([
    ['FR', '00690123456', '0690 12 34 56'],
    ['FR', '00692123456', '0692 12 34 56'],
    ['RE', '00612345678', '06 12 34 56 78'],
  ] as const)('from %s, %s was meant as %s', (country, dialled, meant) => {
    expect(asNationalNumber(dialled, country)).toBe(meant);
  });

  it('elsewhere only the country’s own numbers', () => {
    expect(asNationalNumber('00690123456', 'BE')).toBeNull();
  });
});
