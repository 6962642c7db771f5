import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';

export { isSupportedCountry };

// libphonenumber-js decides what a number is; Intl names the country. No server-only: pure formatting.

export type DialledNumber = { display: string; country: CountryCode | null; countryName: string | null; flag: string | null };

const names = new Intl.DisplayNames(['en'], { type: 'region' });

/** 🇸🇴 from "SO": two regional indicator symbols. */
export function flagOf(country: string): string {
  return String.fromCodePoint(...[...country.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

export function countryName(country: string, locale = 'en'): string {
  return (locale === 'en' ? names : new Intl.DisplayNames([locale], { type: 'region' })).of(country) ?? country;
}

/**
 * A number as the switch reported it (E.164, or digits with an international prefix "00…") for display.
 * Unparseable input is shown as it came, never dropped.
 */
export function describeDialled(raw: string, defaultCountry: CountryCode = 'US'): DialledNumber {
  const normalised = raw.startsWith('00') ? `+${raw.slice(2)}` : raw;
  const p = parsePhoneNumberFromString(normalised, defaultCountry);
  if (!p) return { display: raw, country: null, countryName: null, flag: null };
  const country = p.country ?? null;
  return { display: p.formatInternational(), country, countryName: country ? countryName(country) : null, flag: country ? flagOf(country) : null };
}

/** A phone number a person typed (E.164 or national for `country`), validated; E.164 or null. */
export function parseUserPhone(input: string, country: CountryCode): string | null {
  const p = parsePhoneNumberFromString(input.trim(), country);
  return p && p.isValid() ? p.number : null;
}
