import { describe, expect, it } from 'vitest';
import {
  canonicalTimeZone,
  formatWallClock,
  formatWallTime,
  formatWhen,
  isTimeZone,
  localClock,
  timeZones,
  zoneName,
  zoneOptions,
} from '@/lib/time/format';

// 2026-11-01: New York leaves daylight time at 2:00 EDT, so 1:00–2:00 happens twice.
const firstOneThirty = new Date('2026-11-01T05:30:00Z');
const secondOneThirty = new Date('2026-11-01T06:30:00Z');
// 2026-10-25: Madrid leaves summer time at 3:00 CEST, so 2:00–3:00 happens twice.
const madridFirst = new Date('2026-10-25T00:30:00Z');
const madridSecond = new Date('2026-10-25T01:30:00Z');

describe('times in the reader’s clock, with the zone named', () => {
  it('the repeated hour at a DST change reads as two different times', () => {
    expect(formatWhen(firstOneThirty, 'America/New_York')).toBe('Nov 1, 2026, 1:30 AM GMT-4');
    expect(formatWhen(secondOneThirty, 'America/New_York')).toBe('Nov 1, 2026, 1:30 AM GMT-5');
    expect(formatWhen(madridFirst, 'Europe/Madrid')).toBe('Oct 25, 2026, 2:30 AM GMT+2');
    expect(formatWhen(madridSecond, 'Europe/Madrid')).toBe('Oct 25, 2026, 2:30 AM GMT+1');
  });
  it('an agent in London reads the same calls in London time', () => {
    expect(formatWhen(firstOneThirty, 'Europe/London')).toBe('Nov 1, 2026, 5:30 AM GMT+0');
    expect(formatWhen(secondOneThirty, 'Europe/London', { seconds: true })).toBe(
      'Nov 1, 2026, 6:30:00 AM GMT+0',
    );
  });
  it('an unknown zone falls back to UTC and says so', () => {
    expect(formatWhen(firstOneThirty, 'Mars/Olympus')).toBe('Nov 1, 2026, 5:30 AM GMT+0');
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(isTimeZone('+01:00')).toBe(false);
    expect(isTimeZone(`Europe/${'x'.repeat(64)}`)).toBe(false);
    expect(isTimeZone(42)).toBe(false);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Madrid')).toBe(true);
    expect(timeZones()[0]).toBe('UTC');
    expect(timeZones()).toContain('America/New_York');
  });
  it('knows whether a callback lands in business hours', () => {
    // Monday 2026-11-30 14:00Z: 9:00 in New York, 14:00 in London, 23:00 in Tokyo.
    const now = new Date('2026-11-30T14:00:00Z');
    expect(localClock(now, 'America/New_York')).toMatchObject({
      weekday: 'Mon',
      hour: 9,
      label: 'Mon 09:00',
      withinBusinessHours: true,
    });
    expect(localClock(now, 'Asia/Tokyo')).toMatchObject({
      weekday: 'Mon',
      hour: 23,
      withinBusinessHours: false,
    });
    expect(localClock(new Date('2026-11-29T14:00:00Z'), 'Europe/London')).toMatchObject({
      weekday: 'Sun',
      withinBusinessHours: false,
    });
    expect(localClock(now, 'Nowhere/Else')).toBeNull();
  });
  it('writes a clock of a line of several without its date: weekday, time and offset (formatWallTime)', () => {
    const now = new Date('2026-11-30T14:00:00Z');
    expect(formatWallTime(now, 'America/New_York', 'en-US')).toBe('Mon, 9:00 AM GMT-5');
    expect(formatWallTime(now, 'Pacific/Kiritimati', 'es')).toBe('mar, 4:00 GMT+14');
    expect(formatWallTime(now, 'Nowhere/Else', 'en-US')).toBe('Mon, 2:00 PM GMT+0');
  });
  it('reads the customer’s wall clock with its weekday, in the agent’s language', () => {
    const now = new Date('2026-11-30T14:00:00Z');
    expect(formatWallClock(now, 'America/New_York', 'en-US')).toBe('Mon, Nov 30, 2026, 9:00 AM GMT-5');
    expect(formatWallClock(now, 'Asia/Tokyo', 'es')).toMatch(/^lun, 30 nov 2026, 23:00 GMT\+9$/);
    // A minute later it is another minute: the page's clock asks again rather than keeping a text.
    expect(formatWallClock(new Date(now.getTime() + 60_000), 'America/New_York', 'en-US')).toBe(
      'Mon, Nov 30, 2026, 9:01 AM GMT-5',
    );
    expect(formatWallClock(now, 'Nowhere/Else', 'en-US')).toBe('Mon, Nov 30, 2026, 2:00 PM GMT+0');
  });
});

describe('one zone, one reading (read-18)', () => {
  const at = new Date('2026-11-25T12:00:00Z');
  it('next to a time, the offset, the same for a reader in Argentina and one elsewhere', () => {
    // `short` gave "ART" to es-AR (a customer of an Argentine account) and "GMT-3" to es (the agent).
    for (const locale of ['es-AR', 'es', 'en-US', 'en-GB'])
      expect(formatWhen(at, 'America/Buenos_Aires', { locale })).toMatch(/ GMT-3$/);
    expect(formatWhen(at, 'Europe/Madrid', { locale: 'es-ES' })).toBe('25 nov 2026, 13:00 GMT+1');
  });
  it('in a sentence, the zone by place in the reader’s language, never its IANA id', () => {
    expect(zoneName('America/Buenos_Aires', 'es-AR')).toBe('Buenos Aires');
    expect(zoneName('America/Buenos_Aires', 'en-US')).toBe('Buenos Aires');
    expect(zoneName('Europe/Madrid', 'es')).toBe('España');
    expect(zoneName('Europe/Madrid', 'en-GB')).toBe('Spain');
    expect(zoneName('America/New_York', 'es-MX')).toBe('Nueva York');
    expect(zoneName('UTC', 'en-US')).toBe('UTC');
    expect(zoneName('UTC', 'es')).toBe('UTC');
    // Aliases by the zone they name (try-18: "Etc/UTC" read "UTC Time", "hora de UTC").
    expect(zoneName('Etc/UTC', 'en-US')).toBe('UTC');
    expect(zoneName('Etc/GMT', 'es')).toBe(zoneName('UTC', 'es'));
    expect(zoneName('Asia/Kolkata', 'es')).toBe(zoneName('Asia/Calcutta', 'es'));
    // Zones CLDR calls "GMT" in every English variety: by their city.
    expect(zoneName('Africa/Abidjan', 'en-US')).toBe('Abidjan');
    expect(zoneName('Mars/Olympus', 'en-US')).toBe('Mars/Olympus');
  });
  it('in the picker, place first (for type-ahead), wider name and offset; every zone once', () => {
    const es = zoneOptions('es-AR', at);
    const label = (zone: string) => es.find((o) => o.zone === zone)?.label;
    // Capitalized like every other entry (try-18: the list began "hora universal coordinada (UTC)").
    expect(es[0]).toEqual({ zone: 'UTC', label: 'Hora universal coordinada (UTC)' });
    expect(zoneOptions('es-ES', at)[0]?.label).toBe('Tiempo universal coordinado (UTC)');
    expect(label('America/Buenos_Aires')).toBe('Buenos Aires — hora estándar de Argentina (GMT-3)');
    expect(label('Europe/Madrid')).toBe('España — hora de Europa central (GMT+1)');
    expect(zoneOptions('en-US', at).find((o) => o.zone === 'Europe/Madrid')?.label).toBe(
      'Spain — Central European Time (GMT+1)',
    );
    expect(es.map((o) => o.zone).sort()).toEqual([...timeZones()].sort());
    for (const locale of ['en-US', 'es']) {
      const labels = zoneOptions(locale, at).map((o) => o.label);
      expect(new Set(labels).size, locale).toBe(labels.length);
      expect(
        labels.filter((l) => l.includes('_') || /^[A-Z][a-z]+\//.test(l)),
        locale,
      ).toEqual([]);
    }
  });
});

describe('canonicalTimeZone', () => {
  // Browsers and phones send today's IANA names; this runtime's ICU may list the same zone under an
  // older name. Each right name here is one a real browser sends for a customer's zone.
  it.each([
    'Asia/Kolkata',
    'Asia/Calcutta',
    'America/Argentina/Buenos_Aires',
    'America/Buenos_Aires',
    'Europe/Kyiv',
    'Asia/Ho_Chi_Minh',
    'America/Nuuk',
    'Atlantic/Faroe',
    'Europe/Madrid',
    'America/Mexico_City',
    'America/Bogota',
    'Etc/UTC',
    'UTC',
  ])('accepts %s and names it as the profile’s list does', (zone) => {
    expect(isTimeZone(zone)).toBe(true);
    expect(timeZones()).toContain(canonicalTimeZone(zone));
  });

  it('gives one zone one name, whatever alias or case it came as', () => {
    expect(canonicalTimeZone('Asia/Kolkata')).toBe(canonicalTimeZone('Asia/Calcutta'));
    expect(canonicalTimeZone('europe/madrid')).toBe('Europe/Madrid');
    expect(canonicalTimeZone('Etc/UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus')).toBeNull();
    // Names Intl takes that name no zone of the profile's list: refused, never stored.
    for (const odd of ['Etc/GMT+5', 'SystemV/EST5', 'IST', 'PST', '+01:00', 'Asia/\u212Aolkata'])
      expect(canonicalTimeZone(odd), odd).toBeNull();
  });

  it('formats a time in an alias zone as in its canonical one', () => {
    const at = new Date('2026-11-25T09:13:58Z');
    expect(formatWhen(at, 'Asia/Kolkata')).toBe(formatWhen(at, 'Asia/Calcutta'));
    expect(formatWhen(at, 'Asia/Kolkata')).not.toBe(formatWhen(at, 'UTC'));
  });
});
