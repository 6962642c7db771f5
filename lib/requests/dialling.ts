import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { readDialled } from '@/lib/phone/format';
import { DEFAULT_COUNTRY, iddOf, iddPrefixIn, planOf } from '@/lib/phone/plan';

// Pure digit rules behind the misdial hint (libphonenumber-js knows each country's prefixes).

/**
 * The digits dialled after the international prefix, as the account's people dial: "+252…",
 * "00252…" and the account country's IDD ("011252…" from NANP, "0011252…" from Australia,
 * "810252…" from Russia) all give "252…". Null for a national number or anything else.
 */
export function internationalDigits(
  raw: string,
  accountCountry: CountryCode = DEFAULT_COUNTRY,
): string | null {
  const s = raw.replace(/[\s().-]/g, '');
  let digits: string | null = null;
  if (s.startsWith('+')) digits = s.slice(1);
  else if (/^\d+$/.test(s)) {
    const read = readDialled(s, accountCountry);
    const prefix = iddPrefixIn(s, accountCountry) ?? (s.startsWith('00') ? '00' : null);
    // A prefix only counts when the number was read that way (or not read at all): 0011… is the
    // Australian IDD, but a national number that merely starts like one is not international.
    if (prefix && (!read || read.form === 'idd')) digits = s.slice(prefix.length);
    else if (read?.form === 'digits') digits = s;
  }
  return digits && /^\d{4,20}$/.test(digits) ? digits : null;
}

/**
 * The "00252… vs 0252…" rule: the digits after the international prefix, with the account country's
 * trunk prefix in front, form a valid national number of that country. Returns it formatted, or null.
 */
export function asNationalNumber(raw: string, country: CountryCode): string | null {
  const digits = internationalDigits(raw, country);
  if (!digits) return null;
  const dialled = parsePhoneNumberFromString(`+${digits}`);
  if (dialled?.country === country) return null; // a national call dialled in international form is not blocked
  const p = parsePhoneNumberFromString(`${planOf(country).nationalPrefix() ?? ''}${digits}`, country);
  return p && p.isValid() && p.country === country ? p.formatNational() : null;
}

/** Edit distance between two digit strings (insertions, deletions, substitutions). */
export function digitDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++)
      row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}

/** A call that reads as a national number dialled with the international prefix in front (the 00 vs 0 slip). */
export type PrefixSlip = { idd: string; digits: string; national: string };

/**
 * The misdial a block's own destinations suggest, for the hint a customer reads (block page, block
 * notice mail): the first of `numbers` (as the switch wrote them) that asNationalNumber reads as a
 * national number of `country` with the international prefix typed in front, as
 * `{ idd: "00", digits: "2079460000", national: "020 7946 0000" }`. Null when no number does: then
 * the hint names the destinations and gives no example, since an invented one ("+252 instead of
 * +2…") would speak of calls the block never had.
 */
export function prefixSlip(numbers: string[], country: CountryCode): PrefixSlip | null {
  for (const n of numbers) {
    const national = asNationalNumber(n, country);
    if (national) return { idd: iddOf(country), digits: internationalDigits(n, country) ?? '', national };
  }
  return null;
}
