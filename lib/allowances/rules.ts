import { getCountries } from 'libphonenumber-js/max';
import { z } from 'zod';
import { asciiDigits } from '@/lib/phone/digits';
import { countryName } from '@/lib/phone/format';
import type { Note } from '@/lib/i18n/note';
import { SWITCH_REASON_MAX } from '@/lib/switch/schemas';

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
 * account by `countryProblem` (it needs the account's home country). Messages are catalogue keys under
 * `outcome.field.allowance.*`, worded by the action wrapper; the hour texts spell MAX_HOURS out (72),
 * which tests/integration/staff-outcome.test.ts checks. The reason is sent to the switch as it is, so
 * its limit is the switch contract's (SWITCH_REASON_MAX, 500 characters after trimming; the text
 * `reasonTooLong` spells it out, which tests/integration/allowance-reason.test.ts checks): a longer one
 * would be asked for and approved, then refused by the switch.
 */
export const allowanceFields = {
  // Two ASCII letters first, then upper case: JavaScript's full case mapping turns "ß" into "SS" and
  // the long s of "ſo" into "SO", so upper-casing first accepted text that is no code (break-15).
  country: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{2}$/, 'outcome.field.allowance.country')
    .transform((c) => c.toUpperCase()),
  // Decimal digits, as typed in the number field (a fraction is told "whole hours"): a coercion with
  // Number() also took "0x10" (16 hours), "1e1" (10) and "0b11" (3), which no one means as hours.
  // Digits in any script read as the phone and address fields read them (lib/phone/digits.ts
  // asciiDigits: Arabic-Indic "٣", Devanagari "३", full-width "３" are 3).
  hours: z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : typeof v === 'string' ? asciiDigits(v) : v),
    z
      .string({ error: 'outcome.field.allowance.hours' })
      .trim()
      .regex(/^\d{1,4}(?:\.\d{1,6})?$/, 'outcome.field.allowance.hours')
      .transform(Number)
      .pipe(
        z
          .number()
          .int('outcome.field.allowance.wholeHours')
          .min(1, 'outcome.field.allowance.hours')
          .max(MAX_HOURS, 'outcome.field.allowance.maxHours'),
      ),
  ),
  reason: z
    .string()
    .trim()
    .min(10, 'outcome.field.allowance.reason')
    .max(SWITCH_REASON_MAX, 'outcome.field.allowance.reasonTooLong'),
};

/**
 * Why `country` cannot be allowed for an account in `homeCountry`, as a note for the country field
 * (`outcome.field.allowance.*`, the home country named in `locale`), or null when it can.
 */
export function countryProblem(country: string, homeCountry: string, locale = 'en'): Note | null {
  if (!isKnownCountry(country)) return { key: 'outcome.field.allowance.unknownCountry' };
  if (country === homeCountry)
    return {
      key: 'outcome.field.allowance.homeCountry',
      values: { country: countryName(homeCountry, locale) },
    };
  return null;
}

/** The statuses in which an allowance is asked for, on its way, or in force: one per country and account. */
export const OPEN_STATUSES = ['requested', 'sending', 'active'] as const;
