import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { dialledText, readDialled } from '@/lib/phone/format';
import { DEFAULT_COUNTRY, iddOf, iddPrefixIn, nationalPlanSiblings, trunkPrefixOf } from '@/lib/phone/plan';

// Pure digit rules behind the misdial hint (libphonenumber-js knows each country's prefixes).

/**
 * The international prefix written before a dialled number and the digits after it, as the account's
 * people dial: "+252…" (prefix null: the switch wrote "+"), "00252…", the account country's IDD
 * ("011252…" from NANP, "0011252…" from Australia, "810252…" from Russia, "009252…" from Colombia)
 * and a PBX's access code before it ("9011252…": prefix "011") all give digits "252…"; bare E.164
 * digits give themselves with prefix null. Null for a national number (after a PBX's access code and
 * trunk prefix too: "9 1 212 555 0123") or anything else. The text is read as readDialled reads it
 * (lib/phone/format.ts dialledText: a URI's number, no separators or format characters, ASCII digits).
 */
export function internationalPart(
  raw: string,
  accountCountry: CountryCode = DEFAULT_COUNTRY,
): { prefix: string | null; digits: string } | null {
  const s = dialledText(raw);
  let part: { prefix: string | null; digits: string } | null = null;
  if (s.startsWith('+')) part = { prefix: null, digits: s.slice(1) };
  else if (/^\d+$/.test(s)) {
    const read = readDialled(s, accountCountry);
    const prefix = iddPrefixIn(s, accountCountry) ?? (s.startsWith('00') ? '00' : null);
    if (read?.prefix)
      part = { prefix: read.prefix, digits: s.slice((read.access ?? '').length + read.prefix.length) };
    // Not read (two prefixes give two valid numbers: "009 1 812…" from Colombia): the account's own
    // prefix still says where the international digits begin. A prefix only counts when the number
    // was not read another way: 0011… is the Australian IDD, but a national number that merely
    // starts like one is not international.
    else if (prefix && !read) part = { prefix, digits: s.slice(prefix.length) };
    else if (read?.form === 'digits') part = { prefix: null, digits: s };
  }
  return part && /^\d{4,20}$/.test(part.digits) ? part : null;
}

/** The digits dialled after the international prefix (internationalPart's `digits`), or null. */
export function internationalDigits(
  raw: string,
  accountCountry: CountryCode = DEFAULT_COUNTRY,
): string | null {
  return internationalPart(raw, accountCountry)?.digits ?? null;
}

/**
 * The national numbers of `country` a slip before `digits` (dialled after the international prefix)
 * may have meant, in order: with the country's trunk prefix in front ("0" in GB: "00 20 7946 0000" for
 * "020 7946 0000"; "1" in NANP). Where the country has none (lib/phone/plan.ts trunkPrefixOf: Spain,
 * Portugal, Mexico, Denmark, Italy…) the digits as they are (the international prefix dialled before a
 * national number, or a PBX's access code "0" dialled twice: "0 0 963 123 456" from Spain), then with
 * a "0" in front: Italy's numbers keep their leading 0 (Rome's "06 1234 5678" dialled "006 1234 5678").
 */
function meantNationals(digits: string, country: CountryCode): string[] {
  const trunk = trunkPrefixOf(country);
  return trunk ? [`${trunk}${digits}`] : [digits, `0${digits}`];
}

/**
 * The "00252… vs 0252…" rule: the digits after the international prefix (internationalDigits of
 * `raw`, a number as the switch wrote it), as a national number of `country` (ISO 3166-1 alpha-2)
 * with its trunk prefix in front, or as they are where it has none (meantNationals), form a valid
 * national number of that country, or of a region sharing its national plan (France and its overseas
 * departments). Returns the first that does, in national format ("020 7946 0000", "963 12 34 56",
 * "0690 12 34 56"), or null.
 */
export function asNationalNumber(raw: string, country: CountryCode): string | null {
  const digits = internationalDigits(raw, country);
  if (!digits) return null;
  const dialled = parsePhoneNumberFromString(`+${digits}`);
  if (dialled?.country === country) return null; // a national call dialled in international form is not blocked
  // A region sharing the country's national plan counts as home (lib/phone/plan.ts
  // nationalPlanSiblings): from Paris "00690 12 34 56" is Tokelau dialled for Guadeloupe's "0690…".
  for (const national of meantNationals(digits, country))
    for (const region of [country, ...nationalPlanSiblings(country)]) {
      const p = parsePhoneNumberFromString(national, region);
      if (p?.isValid() && p.country === region) return p.formatNational();
    }
  return null;
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

/**
 * A call that reads as a national number dialled with the international prefix in front (the 00 vs 0
 * slip). `idd`: the prefix as the call was written ("009"), else the one prefix of the country
 * (lib/phone/plan.ts iddOf), else "plus" when the country has none and the switch wrote "+": the
 * catalogue then shows the number with "+" (E.123: "+" stands for whatever international prefix was
 * dialled). `digits`: what was dialled after it, grouped as `national` beside it (slipDigits: "33 1234
 * 5267" for "33 1234 5267", "20 7946 0000" for "020 7946 0000"; since 2026-12-06, before which the
 * digits were run together, "00 3312345267", beside the spaced national number). `national`: the
 * national number meant, in libphonenumber's national format.
 */
export type PrefixSlip = { idd: string; digits: string; national: string };

/** The prefix a slip names for the call `raw` (PrefixSlip `idd`). */
export function slipPrefix(raw: string, country: CountryCode): string {
  return internationalPart(raw, country)?.prefix ?? iddOf(country) ?? 'plus';
}

/**
 * `digits` (dialled after the international prefix) grouped as `national` (the national number they
 * were meant as, formatted, whose digits are `digits` or `digits` with the trunk prefix or a "0" in
 * front: asNationalNumber) groups them: "3312345267" and "33 1234 5267" give "33 1234 5267";
 * "2079460000" and "020 7946 0000" give "20 7946 0000"; "351152345472" and "0351 15-234-5472" give
 * "351 15-234-5472"; "2125550123" and "(212) 555-0123" give "212 555-0123" (no brackets: after a
 * prefix the area code is no longer optional). `digits` as they are when `national` holds other
 * digits.
 */
export function slipDigits(digits: string, national: string): string {
  const all = national.replace(/\D/g, '');
  if (!all.endsWith(digits)) return digits;
  let skip = all.length - digits.length;
  let i = 0;
  for (; skip > 0; i++) if (/\d/.test(national[i]!)) skip--;
  return national.slice(i).replace(/[()]/g, '').replace(/^\D+/, '').replace(/\s+/g, ' ').trim();
}

/**
 * The misdial a block's own destinations suggest, for the hint a customer reads (block page, block
 * notice mail, misdial page): of `numbers` (as the switch wrote them) that asNationalNumber reads as
 * a national number of `country` with the international prefix typed in front, the most called, and
 * among equally called the first given, as `{ idd: "00", digits: "20 7946 0000", national: "020 7946
 * 0000" }` (PrefixSlip). Most called, because that is what the code already ranks: the block page and
 * the notice give lib/blocks/call-overview.ts callOverview's `top.to` (the numbers most calls went to,
 * most first; a block may hold thousands of calls, and its first ones are not read for a page), and
 * the misdial page gives its latest calls, oldest first, each call once, which this counts; so both
 * name the same call where one was called more, and the one slip most of the block's calls were. Among
 * equally called numbers the order given decides: the misdial page's is the calls' own, so it names
 * the first such call; `top.to` breaks ties by the stored number. Null when no number fits: then the
 * hint names the destinations and gives no example, since an invented one ("+252 instead of +2…")
 * would speak of calls the block never had.
 */
export function prefixSlip(numbers: string[], country: CountryCode): PrefixSlip | null {
  const calls = new Map<string, number>();
  for (const n of numbers) calls.set(n, (calls.get(n) ?? 0) + 1);
  let best: { n: string; national: string; calls: number } | null = null;
  for (const [n, count] of calls) {
    if (best && count <= best.calls) continue;
    const national = asNationalNumber(n, country);
    if (national) best = { n, national, calls: count };
  }
  if (!best) return null;
  const digits = internationalDigits(best.n, country) ?? '';
  return {
    idd: slipPrefix(best.n, country),
    digits: slipDigits(digits, best.national),
    national: best.national,
  };
}
