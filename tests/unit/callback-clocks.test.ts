import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { CustomerLocalTime } from '@/components/staff/customer-local-time';
import {
  callbackClocks,
  countryTimeZones,
  groupPlace,
  officeHoursEverywhere,
} from '@/lib/time/callback-clocks';
import { zoneName } from '@/lib/time/format';
import { text } from '@/tests/helpers/intl-markup';
import { renderAsync } from '@/tests/helpers/intl-markup-async';

// A tester (2026-12-07) played agents in Madrid and customers across Spain and Latin America: beside a
// Mexican mobile (+52 1 55…) the staff page showed only the Madrid account's clock ("10:00, within
// office hours"), and the agent would have rung Mexico City at 03:00. The callback number's country
// now has its own clock beside the account's; a country of several zones its earliest and latest.

// Monday 7 December 2026, 9:00 UTC: 10:00 in Madrid, 6:00 in Santiago, 3:00 in Mexico City.
const MONDAY = new Date('2026-12-07T09:00:00Z');
// Monday 7 December 2026, 15:00 UTC: 16:00 in Madrid, 12:00 in Santiago, 9:00 in Mexico City, 7:00 in Tijuana.
const AFTERNOON = new Date('2026-12-07T15:00:00Z');

describe('callbackClocks: the clock where a callback number rings (CLDR zones through ICU)', () => {
  it('lists a country’s zones from ICU, by the runtime’s own names, and none for an unknown region', () => {
    expect(countryTimeZones('jp')).toEqual(['Asia/Tokyo']);
    expect(countryTimeZones('ES').sort()).toEqual(['Africa/Ceuta', 'Atlantic/Canary', 'Europe/Madrid']);
    expect(countryTimeZones('MX')).toEqual(expect.arrayContaining(['America/Tijuana', 'America/Cancun']));
    expect(countryTimeZones('XK')).toEqual([]);
    expect(countryTimeZones('ZZ')).toEqual([]);
    // CLDR's "world" lists Etc/GMT±n and SystemV zones: no place's.
    expect(countryTimeZones('001')).toEqual([]);
  });

  it('reads a newer V8’s getTimeZones() where it has one, as Node 20’s timeZones getter', () => {
    const proto = Intl.Locale.prototype as Intl.Locale & { getTimeZones?: () => string[] };
    const had = Object.getOwnPropertyDescriptor(proto, 'getTimeZones');
    Object.defineProperty(proto, 'getTimeZones', { configurable: true, value: () => ['Asia/Calcutta'] });
    try {
      // The runtime's own name of the zone ICU lists under an older one.
      expect(countryTimeZones('FR')).toEqual([
        new Intl.DateTimeFormat('en', { timeZone: 'Asia/Kolkata' }).resolvedOptions().timeZone,
      ]);
    } finally {
      if (had) Object.defineProperty(proto, 'getTimeZones', had);
      else delete proto.getTimeZones;
    }
    expect(countryTimeZones('FR')).toEqual(['Europe/Paris']);
  });

  it('a one-zone country: that zone’s clock and office hours (Japan, Colombia)', () => {
    expect(callbackClocks(MONDAY, 'JP', 'ES')).toMatchObject({
      kind: 'one',
      country: 'JP',
      zone: 'Asia/Tokyo',
      clock: { label: 'Mon 18:00', withinBusinessHours: false },
    });
    expect(callbackClocks(AFTERNOON, 'CO', 'ES')).toMatchObject({
      kind: 'one',
      zone: 'America/Bogota',
      clock: { label: 'Mon 10:00', withinBusinessHours: true },
    });
  });

  it('zones that read one clock now are one: Argentina’s twelve all read GMT-3', () => {
    const ar = callbackClocks(MONDAY, 'AR', 'ES');
    expect(ar).toMatchObject({ kind: 'one', clock: { label: 'Mon 06:00' } });
    expect(ar.kind === 'one' && ar.zones.length).toBeGreaterThan(1);
  });

  it('Mexico: from 01:00 in Tijuana to 04:00 in Cancún, outside office hours everywhere', () => {
    const mx = callbackClocks(MONDAY, 'MX', 'ES');
    expect(mx).toMatchObject({
      kind: 'range',
      country: 'MX',
      earliest: { zone: 'America/Tijuana', clock: { label: 'Mon 01:00' } },
      latest: { zone: 'America/Cancun', clock: { label: 'Mon 04:00' } },
      within: false,
    });
  });

  it('no verdict where the zones disagree: 7:00 in Tijuana, 10:00 in Cancún', () => {
    const mx = callbackClocks(AFTERNOON, 'MX', 'ES');
    expect(mx).toMatchObject({
      kind: 'range',
      earliest: { clock: { label: 'Mon 07:00' } },
      latest: { clock: { label: 'Mon 10:00' } },
      within: null,
    });
    // An hour later every zone is in office hours.
    expect(officeHoursEverywhere(new Date('2026-12-07T16:00:00Z'), mx.kind === 'range' ? mx.zones : [])).toBe(
      true,
    );
  });

  it('Chile with Easter Island, Spain with the Canaries, Portugal with the Azores: named after the country where CLDR does', () => {
    expect(callbackClocks(MONDAY, 'CL', 'MX')).toMatchObject({
      kind: 'range',
      earliest: { zone: 'Pacific/Easter', clock: { label: 'Mon 04:00' } },
      latest: { zone: 'America/Santiago', clock: { label: 'Mon 06:00' } },
    });
    const es = callbackClocks(MONDAY, 'ES', 'MX');
    // Ceuta reads Madrid's clock: one group, named Spain's (Europe/Madrid), not Ceuta's.
    expect(es).toMatchObject({
      kind: 'range',
      earliest: { zone: 'Atlantic/Canary', clock: { label: 'Mon 09:00' } },
      latest: {
        zone: 'Europe/Madrid',
        zones: ['Europe/Madrid', 'Africa/Ceuta'],
        clock: { label: 'Mon 10:00' },
      },
      within: true,
    });
    expect(callbackClocks(MONDAY, 'PT', 'CL')).toMatchObject({
      kind: 'range',
      earliest: { zone: 'Atlantic/Azores', clock: { label: 'Mon 08:00' } },
      latest: { zone: 'Europe/Lisbon', clock: { label: 'Mon 09:00' } },
      within: true,
    });
  });

  it('at a DST moment: the United States the Sunday its clocks go back', () => {
    // 1 November 2026, 8:30 UTC: 1:30 PDT in Los Angeles (still summer time), 3:30 EST in New York.
    const us = callbackClocks(new Date('2026-11-01T08:30:00Z'), 'US', 'ES');
    expect(us).toMatchObject({ kind: 'range', within: false });
    if (us.kind !== 'range') throw new Error('a range');
    expect(us.latest.clock.label).toBe('Sun 03:30');
    expect(us.latest.zones).toContain('America/New_York');
    expect(us.latest.zones).not.toContain('America/Chicago');
    // An hour later Los Angeles reads 1:30 again (PST), New York 4:30.
    const later = callbackClocks(new Date('2026-11-01T09:30:00Z'), 'US', 'ES');
    expect(later.kind === 'range' && later.latest.clock.label).toBe('Sun 04:30');
    const la = (r: typeof us) => r.kind === 'range' && r.zones.includes('America/Los_Angeles');
    expect(la(us) && la(later as typeof us)).toBe(true);
  });

  it('names a group of several zones by the time they keep, a lone or the country’s own zone by its place', () => {
    // 7 December 2026, 15:00 UTC: Hawaii and the Aleutians read 05:00, the Eastern zones 10:00.
    const at = new Date('2026-12-07T15:00:00Z');
    const us = callbackClocks(at, 'US', 'ES');
    if (us.kind !== 'range') throw new Error('a range');
    expect(us.earliest.zones.length).toBeGreaterThan(1);
    expect(us.latest.zones.length).toBeGreaterThan(1);
    expect(groupPlace(us.earliest, 'US', 'en', at)).toBe('Hawaii-Aleutian Time');
    expect(groupPlace(us.latest, 'US', 'en', at)).toBe('Eastern Time');
    expect(groupPlace(us.latest, 'US', 'es', at)).toBe('hora oriental');
    // Spain: the Canaries alone by their place, the mainland by the zone CLDR names after Spain.
    const es = callbackClocks(at, 'ES', 'US');
    if (es.kind !== 'range') throw new Error('a range');
    expect(groupPlace(es.earliest, 'ES', 'en', at)).toBe(zoneName('Atlantic/Canary', 'en'));
    expect(groupPlace(es.latest, 'ES', 'en', at)).toBe(zoneName('Europe/Madrid', 'en'));
  });

  it('the same country as the account: nothing more while its zones agree on office hours; unknown: said so', () => {
    // At 15:00 UTC Spain's mainland (16:00) and the Canaries (15:00) are both within office hours.
    expect(callbackClocks(MONDAY, 'es', 'ES')).toEqual({ kind: 'none' });
    // At 07:30 UTC Madrid reads 8:30, within; Las Palmas 7:30, not yet: the country's range.
    expect(callbackClocks(new Date('2026-12-07T07:30:00Z'), 'ES', 'ES')).toMatchObject({
      kind: 'range',
      within: null,
      earliest: { zone: 'Atlantic/Canary' },
      latest: { zone: 'Europe/Madrid' },
    });
    // A New York account called back on a Hawaiian number at 09:00 Eastern, 04:00 in Honolulu: the
    // tester's case; the account's clock said "within business hours".
    const us = callbackClocks(new Date('2026-12-07T14:00:00Z'), 'US', 'US');
    expect(us).toMatchObject({ kind: 'range', within: null });
    // Mexico at 15:00 UTC: 7:00 in Tijuana, 10:00 in Cancún; at 09:00 UTC outside office hours everywhere.
    expect(callbackClocks(AFTERNOON, 'MX', 'MX')).toMatchObject({ kind: 'range', within: null });
    expect(callbackClocks(MONDAY, 'MX', 'MX')).toEqual({ kind: 'none' });
    // Argentina keeps one clock: nothing more for an Argentine account.
    expect(callbackClocks(MONDAY, 'AR', 'AR')).toEqual({ kind: 'none' });
    expect(callbackClocks(MONDAY, null, 'ES')).toEqual({ kind: 'none' });
    expect(callbackClocks(MONDAY, 'XK', 'ES')).toEqual({ kind: 'unknown', country: 'XK' });
  });
});

describe('the staff page’s clocks beside a callback number', () => {
  /** The words an agent reading `locale` sees for an account in `country`, `timeZone`, called back on `callback`. */
  const clocks = async (
    callback: string | null,
    locale: 'en' | 'es',
    country: 'ES' | 'MX' = 'ES',
    timeZone = 'Europe/Madrid',
    now = MONDAY,
  ) =>
    text(
      await renderAsync(h('dl', null, h(CustomerLocalTime, { timeZone, now, callback, country })), locale),
    ).trim();

  it('a Chilean mobile for a Madrid account: Santiago’s clock beside Madrid’s (Google’s mapping: +56 9 is Santiago)', async () => {
    // Chile's mainland reads GMT-3 in December, Easter Island GMT-5; libphonenumber reads +56 9… as
    // fixed line or mobile, and its zone mapping puts the prefix in America/Santiago.
    expect(await clocks('+56961234567', 'es')).toBe(
      'Hora local del cliente lun, 7 dic 2026, 10:00 GMT+1 (zona horaria: España) · dentro del horario laboral (de lunes a viernes, de 8:00 a 18:00) ' +
        'Hora local del teléfono de contacto (Chile) lun, 7 dic 2026, 6:00 GMT-3 (zona horaria: Chile) · fuera del horario laboral (de lunes a viernes, de 8:00 a 18:00)',
    );
  });

  it('a Mexican mobile in its old form (+52 1 55…): Mexico City’s clock, in English and Spanish', async () => {
    // Mexico assigns mobiles by area code (Google's GEO_MOBILE_COUNTRIES): 55 is Mexico City.
    expect(await clocks('+5215512345678', 'en')).toBe(
      'Customer’s local time Mon, Dec 7, 2026, 10:00 AM GMT+1 (Spain time) · within business hours (Monday to Friday, 8:00–18:00) ' +
        `Local time at the callback phone (Mexico) Mon, Dec 7, 2026, 3:00 AM GMT-6 (${zoneName('America/Mexico_City', 'en')} time) · outside business hours (Monday to Friday, 8:00–18:00)`,
    );
    expect(await clocks('+5215512345678', 'es', 'ES', 'Europe/Madrid', AFTERNOON)).toContain(
      'Hora local del teléfono de contacto (México) lun, 7 dic 2026, 9:00 GMT-6 (zona horaria: Ciudad de México) · dentro del horario laboral',
    );
  });

  it('a number that says its country only (toll-free): the country’s range, in English and Spanish', async () => {
    expect(await clocks('+528001234567', 'en')).toContain(
      'Local time at the callback phone (Mexico) from Mon, 1:00 AM GMT-8 (Tijuana) to Mon, 4:00 AM GMT-5 (Cancún), depending on where in the country the phone is · outside business hours (Monday to Friday, 8:00–18:00)',
    );
    expect(await clocks('+528001234567', 'es', 'ES', 'Europe/Madrid', AFTERNOON)).toContain(
      '(Cancún), según en qué parte del país esté el teléfono · dentro del horario laboral solo en algunas de sus zonas horarias (de lunes a viernes, de 8:00 a 18:00)',
    );
  });

  it('a one-zone country reads as the account’s clock does; a country whose zones agree is named', async () => {
    expect(await clocks('+81312345678', 'en')).toContain(
      'Local time at the callback phone (Japan) Mon, Dec 7, 2026, 6:00 PM GMT+9 (Japan time) · outside business hours',
    );
    expect(await clocks('+541123456789', 'es')).toContain(
      'Hora local del teléfono de contacto (Argentina) lun, 7 dic 2026, 6:00 GMT-3 (zona horaria: Argentina) · fuera del horario laboral',
    );
  });

  it('no second clock for a number in the account’s country, nor without a number', async () => {
    const madrid =
      'Customer’s local time Mon, Dec 7, 2026, 10:00 AM GMT+1 (Spain time) · within business hours (Monday to Friday, 8:00–18:00)';
    expect(await clocks('+34600123456', 'en')).toBe(madrid);
    expect(await clocks(null, 'en')).toBe(madrid);
    // A Mexican account (Tijuana) called back on a Mexico City number while Mexico's zones disagree on
    // office hours (7:00 in Tijuana, 10:00 in Cancún): the number's clock, not the account's alone.
    expect(await clocks('+5215512345678', 'en', 'MX', 'America/Tijuana', AFTERNOON)).toContain(
      'Local time at the callback phone (Mexico) Mon, Dec 7, 2026, 9:00 AM GMT-6',
    );
    // A toll-free one then: the country's range.
    expect(await clocks('+528001234567', 'en', 'MX', 'America/Tijuana', AFTERNOON)).toContain(
      'Local time at the callback phone (Mexico) from',
    );
    // At 09:00 UTC every Mexican zone is outside office hours: the account's clock says it for all.
    expect(await clocks('+5215512345678', 'en', 'MX', 'America/Tijuana')).not.toContain('callback phone');
  });

  it('keeps <dt>/<dd> pairs in the list, and the number’s clock is not a live region', async () => {
    const html = await renderAsync(
      h(
        'dl',
        null,
        h(CustomerLocalTime, {
          timeZone: 'Europe/Madrid',
          now: MONDAY,
          callback: '+528001234567',
          country: 'ES',
        }),
      ),
    );
    expect(html.match(/<(dt|dd)[ >]/g)).toEqual(['<dt ', '<dd>', '<dt ', '<dd>']);
    expect(html).toContain('<time dateTime="2026-12-07T09:00:00.000Z">Mon, 1:00 AM GMT-8</time>');
    expect(html).toContain('aria-live="off"');
  });
});
