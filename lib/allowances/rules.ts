import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';
import { countryName } from '@/lib/phone/format';

// What a destination allowance may be (issue 16). No server-only: the request form lists the same
// countries the server accepts. The switch blocks international calls account-wide; an allowance
// lets one country through for at most MAX_HOURS, then the switch drops it by itself.

/** The longest allowance, in hours (issue 16: "how long up to 72 h"). */
export const MAX_HOURS = 72;

const known = new Set<string>(getCountries());

/** ISO 3166-1 alpha-2 codes libphonenumber dials, i.e. a country a call can go to. */
export const isKnownCountry = (code: string) => known.has(code);

/**
 * The countries an account may ask for, named and sorted in `locale` (a BCP 47 tag, default English):
 * every dialable country except the account's own (calls there are national and never blocked).
 */
export function allowableCountries(homeCountry: string, locale = 'en'): { code: string; name: string }[] {
  return [...known]
    .filter((c) => c !== homeCountry)
    .map((code) => ({ code, name: countryName(code, locale) }))
    .sort((a, b) => a.name.localeCompare(b.name, locale));
}

/**
 * The form fields shared by a customer's request and a staff grant. `country` is checked against the
 * account by `countryProblem` (it needs the account's home country).
 */
export const allowanceFields = {
  country: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, 'Choose the country to allow.'),
  hours: z.coerce
    .number({ error: `Enter how many hours, from 1 to ${MAX_HOURS}.` })
    .int(`Enter a whole number of hours, from 1 to ${MAX_HOURS}.`)
    .min(1, `Enter how many hours, from 1 to ${MAX_HOURS}.`)
    .max(
      MAX_HOURS,
      `An allowance lasts at most ${MAX_HOURS} hours. Ask again when it ends if you still need it.`,
    ),
  reason: z
    .string()
    .trim()
    .min(10, 'Tell us why you need to call this country (at least 10 characters).')
    .max(1000, 'Keep the reason under 1000 characters.'),
};

/** Why `country` cannot be allowed for an account in `homeCountry`, or null when it can. */
export function countryProblem(country: string, homeCountry: string): string | null {
  if (!isKnownCountry(country)) return 'We do not know this country. Choose one from the list.';
  if (country === homeCountry)
    return `Calls within ${countryName(homeCountry)} are national and are not blocked: no allowance is needed.`;
  return null;
}

/** The statuses in which an allowance is asked for, on its way, or in force: one per country and account. */
export const OPEN_STATUSES = ['requested', 'sending', 'active'] as const;
