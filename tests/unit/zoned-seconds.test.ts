import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { When } from '@/components/ui/when';
import { when } from '@/lib/mail/templates/context';
import {
  formatTheirCallTime,
  formatWhen,
  formatWithSeconds,
  formatZoned,
  ZONED_SECONDS,
} from '@/lib/time/format';
import { render, text } from '@/tests/helpers/intl-markup';

// Tester P (2026-12-08): a Spanish block page read "3:34:47 (GMT+1)" in its calls table and "3:35
// GMT+1" in "Bloqueadas desde…", and the block notice mail the same: CLDR's Spanish pattern for an
// hour, minute, second and zone brackets the zone, the one without seconds does not. A time with
// seconds now reads as one without, the seconds added, in every language, on pages and in mail.

// 02:34:47 UTC: 3:34 in Madrid, 8:04 in Kolkata (+5:30), 8:19 in Kathmandu (+5:45), 23:04 the day
// before in St John's (-3:30), 18:34 the day before in Tijuana.
const AT = new Date('2026-12-08T02:34:47Z');
const ZONES = [
  'Europe/Madrid',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'America/St_Johns',
  'America/Tijuana',
  'UTC',
];
const LOCALES = ['en', 'en-US', 'en-GB', 'es', 'es-ES', 'es-MX', 'es-AR', 'es-419', 'pt', 'pt-BR', 'ca'];

describe('a time with seconds reads as one without', () => {
  it.each([
    ['es', 'Europe/Madrid', '8 dic 2026, 3:34:47 GMT+1', '8 dic 2026, 3:34 GMT+1'],
    ['es', 'Asia/Kolkata', '8 dic 2026, 8:04:47 GMT+5:30', '8 dic 2026, 8:04 GMT+5:30'],
    ['es', 'America/St_Johns', '7 dic 2026, 23:04:47 GMT-3:30', '7 dic 2026, 23:04 GMT-3:30'],
    ['es', 'UTC', '8 dic 2026, 2:34:47 GMT+0', '8 dic 2026, 2:34 GMT+0'],
    ['es-MX', 'America/Tijuana', '7 dic 2026, 6:34:47 p.m. GMT-8', '7 dic 2026, 6:34 p.m. GMT-8'],
    ['en', 'Europe/Madrid', 'Dec 8, 2026, 3:34:47 AM GMT+1', 'Dec 8, 2026, 3:34 AM GMT+1'],
    ['en', 'Asia/Kolkata', 'Dec 8, 2026, 8:04:47 AM GMT+5:30', 'Dec 8, 2026, 8:04 AM GMT+5:30'],
    // en-GB writes "03:34" without seconds and "3:34:47" with them: the hour as without.
    ['en-GB', 'Europe/Madrid', '8 Dec 2026, 03:34:47 GMT+1', '8 Dec 2026, 03:34 GMT+1'],
  ])('%s in %s: "%s" beside "%s"', (locale, timeZone, seconds, minutes) => {
    expect(formatZoned(AT, { locale, timeZone, seconds: true })).toBe(seconds);
    expect(formatZoned(AT, { locale, timeZone })).toBe(minutes);
    // The mail's and the CLI's formatter is the same one.
    expect(formatWhen(AT, timeZone, { locale, seconds: true })).toBe(seconds);
  });

  it('in every language and zone: the time without seconds, the seconds added, never a bracket', () => {
    for (const locale of LOCALES)
      for (const timeZone of ZONES) {
        const seconds = formatZoned(AT, { locale, timeZone, seconds: true });
        const minutes = formatZoned(AT, { locale, timeZone });
        expect(seconds, `${locale} ${timeZone}`).not.toMatch(/[()]/);
        expect(seconds.replace(':47', ''), `${locale} ${timeZone}`).toBe(minutes);
        // The zone says what Intl says of it (its localized GMT offset), as without seconds.
        const zone = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'shortOffset' })
          .formatToParts(AT)
          .find((p) => p.type === 'timeZoneName')!.value;
        expect(seconds.endsWith(zone), `${locale} ${timeZone}`).toBe(true);
      }
  });

  it('what Intl itself writes, which this replaces (CLDR data: the check fails when CLDR changes)', () => {
    const intl = new Intl.DateTimeFormat('es', { ...ZONED_SECONDS, timeZone: 'Europe/Madrid' });
    expect(intl.format(AT)).toBe('8 dic 2026, 3:34:47 (GMT+1)');
  });

  it('an unknown zone reads as UTC, which the offset names', () => {
    expect(formatZoned(AT, { locale: 'es', timeZone: 'Mars/Olympus', seconds: true })).toBe(
      '8 dic 2026, 2:34:47 GMT+0',
    );
    expect(formatZoned(AT, { locale: 'es', timeZone: null, seconds: true })).toBe(
      '8 dic 2026, 2:34:47 GMT+0',
    );
  });

  it('other options with seconds: the staff line of the customer’s clock', () => {
    expect(formatTheirCallTime(AT, 'America/Tijuana', 'es')).toBe('lun, 7 dic, 18:34:47 GMT-8');
    expect(formatTheirCallTime(AT, 'Asia/Kolkata', 'en')).toBe('Tue, Dec 8, 8:04:47 AM GMT+5:30');
    expect(
      formatWithSeconds(AT, 'es', { hour: 'numeric', minute: '2-digit', second: '2-digit', timeZone: 'UTC' }),
    ).toBe('2:34:47');
  });
});

describe('pages and mail write it the same way', () => {
  it('<When seconds> in the page’s language and the viewer’s zone (UTC in tests)', () => {
    expect(text(render(h(When, { at: AT, seconds: true }), 'es')).trim()).toBe('8 dic 2026, 2:34:47 GMT+0');
    expect(text(render(h(When, { at: AT }), 'es')).trim()).toBe('8 dic 2026, 2:34 GMT+0');
    expect(text(render(h(When, { at: AT, seconds: true }), 'en')).trim()).toBe(
      'Dec 8, 2026, 2:34:47 AM GMT+0',
    );
    expect(render(h(When, { at: AT, seconds: true }))).toContain(`dateTime="${AT.toISOString()}"`);
  });

  it('the mail’s `when`, in the recipient’s language, region and zone', () => {
    const ctx = { locale: 'es' as const, region: 'ES', timeZone: 'Asia/Kolkata' };
    expect(when(AT, ctx, true)).toBe('8 dic 2026, 8:04:47 GMT+5:30');
    expect(when(AT, ctx)).toBe('8 dic 2026, 8:04 GMT+5:30');
    expect(when(AT, { locale: 'es' as const, region: 'MX', timeZone: 'America/Tijuana' }, true)).toBe(
      '7 dic 2026, 6:34:47 p.m. GMT-8',
    );
  });
});
