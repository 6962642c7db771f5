import { describe, expect, it } from 'vitest';
import { countryLocale, countryReaderLocale } from '@/lib/i18n/locales';

// create-user's language for a new login of an account (docs/operations.md, "The language of a new
// login"): the country's likely language when the catalogue has it, else an official one it has.
describe('countryLocale', () => {
  it('gives the likely language of the country when the catalogue has it', () => {
    for (const c of ['ES', 'MX', 'AR', 'CO', 'GQ', 'PR', 'mx']) expect(countryLocale(c), c).toBe('es');
    for (const c of ['US', 'GB', 'GI', 'BZ']) expect(countryLocale(c), c).toBe('en');
  });
  it('gives Spanish for Paraguay: CLDR’s likely language is Guaraní, and Spanish is official too', () => {
    expect(new Intl.Locale('und', { region: 'PY' }).maximize().language).toBe('gn');
    expect(countryLocale('PY')).toBe('es');
    expect(countryLocale('py')).toBe('es');
  });
  it('gives none where no official language is in the catalogue, or for what is not a region', () => {
    expect(countryLocale('BR')).toBeNull(); // Portuguese
    expect(countryLocale('AD')).toBeNull(); // Catalan is Andorra's only official language
    expect(countryLocale('not a region')).toBeNull();
  });
});

describe('countryReaderLocale', () => {
  it('reads a country as a browser set to its likely language is read: Andorra’s Catalan gets Spanish', () => {
    expect(countryReaderLocale('AD')).toBe('es');
    expect(countryReaderLocale('ad')).toBe('es');
    for (const c of ['ES', 'MX', 'PY']) expect(countryReaderLocale(c), c).toBe('es');
    for (const c of ['US', 'GB']) expect(countryReaderLocale(c), c).toBe('en');
    // Portuguese and French are at home in Brazil and France: no language of ours.
    for (const c of ['BR', 'PT', 'FR']) expect(countryReaderLocale(c), c).toBeNull();
    expect(countryReaderLocale('not a region')).toBeNull();
    expect(countryReaderLocale('')).toBeNull();
  });
});
