import type { CountryCode } from 'libphonenumber-js/max';
import { iddPrefixIn, trunkPrefixOf } from './plan';

// The outside-line access code a PBX extension dials before the number, as PBX CDRs record it
// (issue 14). Hand-written: libphonenumber-js reads public numbering plans, and an access code is
// the PBX installer's choice, not part of any plan (ITU-T E.164 has none; a national numbering plan
// names only the prefixes the public network reads).
//
// Surveyed defaults and documented examples:
// - "9": the North American habit and the usual default there and in the UK and Ireland. FreePBX's
//   Outbound Routes guide gives "9" "to access an outside line" (dial pattern `9|.`, prefix stripped
//   before the trunk); Cisco Unified CM's route pattern `9.@` and its example "901181910555" (9, then
//   011, then the number); Avaya Communication Manager's ARS feature access code and Avaya IP Office's
//   North American locale use 9; TalkSwitch's manual: "9" then "01161…" for Australia.
// - "0": continental Europe (Germany, Austria, Switzerland, the Netherlands, Scandinavia, France,
//   Spain, Italy), Latin America, Australia and Japan: FreePBX's own wiki example `0|.` (an
//   Australian installation), Avaya IP Office's and 3CX's European templates ("0" for an outside
//   line), so that "0 00 252 61 1234567" reaches Somalia.
// Both are taken for every account country: the PBX's installer chose the code, not the country, and
// the reading rule (lib/phone/format.ts readDialled) reads the digits only when no two readings name
// two different numbers.
//
// After the access code the extension dials what any phone of the country dials: the international
// prefix and a number abroad (pbxPrefixIn), or the trunk prefix and a national number (pbxTrunkIn):
// "9 1 876 234 5678" is Jamaica from a US PBX (9, NANP's trunk 1, a NANP number), "9 0 20 7946 0958"
// London from a British one. Where the country has no trunk prefix, the national number itself:
// "0 806 123 456" is a Spanish premium-rate number from a Spanish PBX, "0 21 234 5678" Lisbon from a
// Portuguese one. The same digits may be another reading's: "91 87623 45678" is also India's +91
// 87623 45678 written without its "+", and "9 806 123 456" Iran's +98 6123456, so such a call is not
// read (issue 14's rule); without a trunk prefix, not even where the other number is only possible
// or outside every range ("9 21 234 5678" from Portugal is also +92 12345678).
//
// "8" as in "8 10 …" is no access code: "8~10" is the IDD prefix of Russia, Belarus, Kazakhstan and
// Turkmenistan in libphonenumber's metadata, read as such.
export const PBX_ACCESS_CODES: readonly string[] = ['9', '0'];

/**
 * The outside-line access code (PBX_ACCESS_CODES) and the IDD prefix of `country` (from
 * libphonenumber's metadata, carrier forms included: "9 011" in the US, "0 00" in Spain, "0 0011"
 * in Australia, "9 810" in Russia, "0 009" in Colombia) at the start of `digits` (ASCII digits
 * only), as `{ access: "9", idd: "011" }`; null when the digits do not start so.
 */
export function pbxPrefixIn(digits: string, country: CountryCode): { access: string; idd: string } | null {
  for (const access of PBX_ACCESS_CODES) {
    if (!digits.startsWith(access)) continue;
    const idd = iddPrefixIn(digits.slice(access.length), country);
    if (idd) return { access, idd };
  }
  return null;
}

/**
 * The outside-line access code (PBX_ACCESS_CODES) and the trunk prefix of `country` (lib/phone/plan.ts
 * trunkPrefixOf, from libphonenumber's metadata) at the start of `digits` (ASCII digits only), before a
 * national number: `{ access: "9", trunk: "1" }` for "9 1 876 234 5678" in the US, `{ access: "9",
 * trunk: "0" }` for "9 0 20 7946 0958" in Great Britain. Where `country` has no trunk prefix (Spain,
 * Portugal, Italy, Denmark, Norway, Mexico, Chile…: lib/phone/plan.ts trunkPrefixOf gives ""), the
 * access code alone, `trunk` "": `{ access: "0", trunk: "" }` for "0 806 123 456" in Spain (since
 * 2026-12-06; before, an access code before a national number there was not read, and every national
 * call of a Spanish PBX was "a number we could not read"); lib/phone/format.ts readDialled names it
 * only when what follows is a valid number and no reading with an E.164 number (bare digits, "00")
 * gives another, valid or not (since the review of 2026-12-06). Null when the digits
 * do not start so, when what follows the access code is the international prefix (that is
 * pbxPrefixIn's reading: "9 00 44…" in Great Britain), or when the digits themselves start with it:
 * where the access code "0" and the trunk "0" make "00" (Germany, France, Great Britain, Argentina…;
 * "0 0 21…" is Brazil's "0021"), or the access code "0" and a number that keeps its leading 0 do
 * (Italy: "0 06 1234 5678" is "00 6…"), what follows is read as a country code, as the switch reads
 * it (ITU-T E.164; lib/phone/format.ts readDialled), never as a national number: German PBX digits
 * "0 030 1234567" are Greece's "00 30 1234567".
 */
export function pbxTrunkIn(digits: string, country: CountryCode): { access: string; trunk: string } | null {
  const trunk = trunkPrefixOf(country);
  if (iddPrefixIn(digits, country)) return null;
  for (const access of PBX_ACCESS_CODES) {
    const rest = digits.slice(access.length);
    if (digits.startsWith(access) && rest.startsWith(trunk) && !iddPrefixIn(rest, country))
      return { access, trunk };
  }
  return null;
}
