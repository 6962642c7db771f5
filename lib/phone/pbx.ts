import type { CountryCode } from 'libphonenumber-js/max';
import { iddPrefixIn } from './plan';

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
// the reading rule (lib/phone/format.ts readDialled) reads the digits only when exactly one reading
// gives a valid number. "8" as in "8 10 …" is no access code: "8~10" is the IDD prefix of Russia,
// Belarus, Kazakhstan and Turkmenistan in libphonenumber's metadata, read as such.
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
