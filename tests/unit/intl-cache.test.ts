import { describe, expect, it } from 'vitest';
import { intlOf } from '@/lib/i18n/intl-cache';
import { countryName } from '@/lib/phone/format';

describe('intlOf: one Intl object per kind, locale and options', () => {
  it('hands back the same object for the same kind, locale and options', () => {
    const a = intlOf(Intl.DisplayNames, 'es-MX', { type: 'region' });
    expect(intlOf(Intl.DisplayNames, 'es-MX', { type: 'region' })).toBe(a);
    expect(a.of('SO')).toBe('Somalia');
  });

  it('makes another for another locale, options or kind', () => {
    const a = intlOf(Intl.DisplayNames, 'en-US', { type: 'region' });
    expect(intlOf(Intl.DisplayNames, 'en-GB', { type: 'region' })).not.toBe(a);
    expect(intlOf(Intl.DisplayNames, 'en-US', { type: 'language' })).not.toBe(a);
    expect(intlOf(Intl.DisplayNames, 'en-US', { type: 'language' }).of('es')).toBe('Spanish');
    expect(intlOf(Intl.ListFormat, 'en-US', { type: 'conjunction' }).format(['a', 'b', 'c'])).toBe(
      'a, b, and c',
    );
    expect(intlOf(Intl.ListFormat, 'en-US', { type: 'disjunction' }).format(['a', 'b'])).toBe('a or b');
    expect(intlOf(Intl.Locale, 'es-AR').region).toBe('AR');
  });

  it('throws what the constructor throws, and remembers nothing', () => {
    expect(() => intlOf(Intl.Locale, 'not a tag')).toThrow(RangeError);
    expect(() => intlOf(Intl.Locale, 'not a tag')).toThrow(RangeError);
    expect(() => intlOf(Intl.DisplayNames, 'en', { type: 'planet' as 'region' })).toThrow(RangeError);
  });

  it('stays bounded and right past its cap', () => {
    for (let i = 0; i < 1200; i++) expect(intlOf(Intl.Locale, `en-x-k${i}`).language).toBe('en');
    expect(intlOf(Intl.Locale, 'es-MX').language).toBe('es');
  });

  it('names countries in the formatting tag a page uses', () => {
    expect(countryName('SO', 'es-MX')).toBe('Somalia');
    expect(countryName('DE', 'es-ES')).toBe('Alemania');
    expect(countryName('DE', 'en-US')).toBe('Germany');
    expect(countryName('DE')).toBe('Germany');
  });
});
