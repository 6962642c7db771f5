import { describe, expect, it } from 'vitest';
import { CATALOGUES, translator } from '@/lib/i18n/translate';
import { timeZones, zoneName, zoneNameKind } from '@/lib/time/format';

// A Spanish-speaking agent on the staff request page read "hora de Reino Unido": CLDR's Spanish
// pattern "hora de {0}" takes a country's name without its article, where Spanish writes "del Reino
// Unido", "de los Países Bajos", "de la República Dominicana". A zone is now named by its place
// alone (lib/time/format.ts zoneName), and each sentence says it is a zone in words that need no
// article before the place: "zona horaria: Reino Unido", "United Kingdom time".

/** Every message that names a zone, and the placeholder it names it by. */
const ZONE_MESSAGES = [
  ['profile.timeZone.now', 'zone'],
  ['profile.timeZone.saved', 'zone'],
  ['staff.hint.signal.officeHours', 'timeZone'],
  ['staff.hint.signal.outsideHours', 'timeZone'],
  ['staff.requestPage.accountLine', 'timeZone'],
  ['staff.account.facts', 'timeZone'],
  ['staff.audit.from', 'zone'],
  ['staff.audit.to', 'zone'],
] as const;

const message = (catalogue: 'en' | 'es', key: string): string =>
  key
    .split('.')
    .reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], CATALOGUES[catalogue]) as string;

describe('a zone named in a sentence', () => {
  it.each([
    ['Europe/London', 'Reino Unido', 'United Kingdom'],
    ['Europe/Amsterdam', 'Países Bajos', 'Netherlands'],
    ['America/Santo_Domingo', 'República Dominicana', 'Dominican Republic'],
    ['Asia/Dubai', 'Emiratos Árabes Unidos', 'United Arab Emirates'],
    ['America/New_York', 'Nueva York', 'New York'],
    ['UTC', 'UTC', 'UTC'],
  ])('%s is its place: %s, %s', (zone, spanish, english) => {
    for (const tag of ['es', 'es-419', 'es-ES', 'es-MX']) expect(zoneName(zone, tag), tag).toBe(spanish);
    for (const tag of ['en', 'en-US', 'en-GB']) expect(zoneName(zone, tag), tag).toBe(english);
  });

  it('no zone’s Spanish name brings its own "hora de" before a place', () => {
    for (const zone of timeZones()) expect(zoneName(zone, 'es-MX'), zone).not.toMatch(/^hora /);
  });

  it.each(ZONE_MESSAGES)('%s says it is a zone with no article needed before the place', (key, name) => {
    expect(message('es', key)).toContain(`zona horaria: {${name}}`);
    expect(message('en', key)).toContain(`{${name}} time`);
  });

  // "Times are now shown in UTC time." (tester, 2026-12): UTC is said as UTC, and a name that already
  // says it is a time (CLDR's wider name, where it has none by place) is not made "… Time time".
  it.each([
    ['UTC', 'en', 'Times are now shown in UTC.'],
    ['UTC', 'es', 'Ahora las horas se muestran en UTC.'],
    ['Central European Time', 'en', 'Times are now shown in Central European Time.'],
    ['hora de Europa central', 'es', 'Ahora las horas se muestran en hora de Europa central.'],
    ['Japan', 'en', 'Times are now shown in Japan time.'],
    ['Japón', 'es', 'Ahora las horas se muestran en esta zona horaria: Japón.'],
  ] as const)('the time-zone form’s answer names %s well in %s', (zone, locale, said) => {
    expect(translator(locale)('profile.timeZone.saved', { zone, kind: zoneNameKind(zone) })).toBe(said);
  });

  it('no zone a person can choose is named as a time but UTC', () => {
    for (const zone of timeZones())
      for (const tag of ['en', 'es'])
        expect(zoneNameKind(zoneName(zone, tag)), `${zone} ${tag}`).toBe(zone === 'UTC' ? 'utc' : 'place');
  });

  it('reads "zona horaria: Reino Unido" on the staff request page, "United Kingdom time" in English', () => {
    const values = (tag: string) => ({
      name: 'Harbor Freight',
      number: 'ACC-2001',
      country: tag.startsWith('es') ? 'Reino Unido' : 'United Kingdom',
      timeZone: zoneName('Europe/London', tag),
      members: 'ana@example.com',
    });
    expect(translator('es', 'es-419')('staff.requestPage.accountLine', values('es-419'))).toBe(
      'Harbor Freight (ACC-2001) · Reino Unido · zona horaria: Reino Unido. Miembros: ana@example.com.',
    );
    expect(translator('en', 'en-US')('staff.requestPage.accountLine', values('en-US'))).toBe(
      'Harbor Freight (ACC-2001) · United Kingdom · United Kingdom time. Members: ana@example.com.',
    );
  });
});
