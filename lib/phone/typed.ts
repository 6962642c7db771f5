import { type CountryCode, type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { numberText } from './digits';
import { validNumber } from './legacy';
import { nationalPlanSiblings, planOf } from './plan';
import { uriNumber } from './uri';

// A number as a person writes it (a callback number, the number they meant to dial, a phone on an
// account), read with libphonenumber-js first. Hand-written here are only the written habits its
// parser does not know, each applied only when the text as written is no valid number. Pure; no
// server-only.
//
// 1. "00" as the international prefix where the metadata's prefix is not plain "00". ITU-T E.164
//    recommends "00", and people write "0057…" for "+57…" whatever their carrier makes them dial; but
//    libphonenumber reads only the country's own pattern: Colombia's 005/007/009/00414/00444/00456
//    take "0057 310…" for carrier 5 and country code 7, Brazil's 00 + carrier (0012…0099) and South
//    Korea's 001…00700 likewise, and the US's 011 reads "0044…" as no number at all. So the text is
//    read again with "+" for the "00". When both readings are valid numbers: the one in the account's
//    own country wins ("00 + own country code + a valid national number" means exactly that, never a
//    carrier's code before a foreign one), else neither is read, as lib/phone/format.ts readDialled
//    does with dialled digits (issue 14): "0091 81234 56789" from Colombia is India's mobile after
//    "00" or the US's +1 812 345 6789 after carrier 009, and guessing would have support call a stranger.
// 2. A trunk "0" kept after the country code, bracketed or not: "+34 (0) 91 123 45 67", "+44 (0)20…",
//    "+351 021…", "+57 0 310…" (and "+54 9 011…", after Argentina's mobile "9"). The "(0)" means "dial
//    this 0 at home only": a trunk prefix is never dialled after a country code (ITU-T E.122, whose
//    model announcement is "Please do not dial a zero after the country code"; E.123's international
//    form is "+" and the number without it); libphonenumber drops it only where the metadata has a national
//    prefix that fits (GB, DE, FR…), not in Spain or Portugal (no trunk prefix since 1998 and 1999),
//    Mexico (none since 2019), nor before Colombia's mobiles. The 0 is dropped when the rest is valid
//    and the number with it is not: Italy keeps its 0 ("+39 06…" is Rome, valid as written).
// 3. "interno" (Argentina, Uruguay: "int." is its abbreviation) before an extension: libphonenumber's
//    extension labels are "ext", "extensión", "anexo", "int", "x", "#"…, and not the whole word.
// 4. A `tel:` (or `sip:`) URI is read by lib/phone/uri.ts uriNumber, its `;ext=` kept: libphonenumber's
//    own check of a `phone-context` alternates between reading and refusing the same URI (uri.ts says
//    why), so "tel:310-123-4567;phone-context=+57" was read by one reader and refused by the next.
// 5. Format characters (Unicode Cf) are dropped before anything else (lib/phone/digits.ts numberText):
//    iOS Contacts copies a number as U+202D … U+202C, and with the U+202D before it "0057 310…" did
//    not start with "00" (rule 1), so it was refused.
// 6. A national number of France's overseas departments typed in France, or the other way round
//    (lib/phone/plan.ts nationalPlanSiblings), read in the region whose metadata has it (inSiblingPlan).
// 7. Brazil's "0xx" before an area code ("(0xx11) 98765-4321", "0XX21 2345-6789"): the trunk 0 and
//    two letters standing for the two-digit carrier selection code a national call dials after it
//    ("0 21 11 98765-4321": libphonenumber removes a real one, lib/phone/legacy.ts). Businesses print
//    the placeholder; its letters are no digits, so the number was refused. Read as the trunk 0 alone.

/** "interno", "Interno:": the extension's label in Argentina and Uruguay, as libphonenumber's "ext". */
const INTERNO = /\binterno\b/giu;

/** Brazil's "0xx" (7 above): the trunk 0 and a placeholder for the carrier code, before a two-digit area code. */
const BRAZIL_0XX = /(^|[\s(])0\s*xx\s*(?=\(?\d{2})/iu;

/** RFC 3966's extension parameter of a `tel:` URI. */
const EXT_PARAM = /;ext=([^;]*)/i;

/** "00" opening the text (after spaces or a bracket), before a digit: the ITU-T international prefix. */
const LEADING_00 = /^([\s(]*)0[\s.-]*0(?=[\s().-]*[1-9])/;

/** After a country code, the digit Argentina's mobiles carry before the area code: a trunk 0 follows it. */
const MOBILE_MARK: Readonly<Record<string, string>> = { '54': '9' };

function parsed(text: string, country: CountryCode): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(text, country);
  } catch {
    return undefined;
  }
}

/**
 * The number `text` denotes as written, or with a trunk "0" after its country code dropped (see 2
 * above; the extension is kept), through lib/phone/legacy.ts validNumber; else undefined.
 */
function asWritten(text: string, country: CountryCode): PhoneNumber | undefined {
  const p = parsed(text, country);
  const valid = validNumber(p, text);
  if (valid || !p) return valid;
  const code = p.countryCallingCode as string;
  const national = p.nationalNumber as string;
  // Only after a country code the person wrote: a national "0 91…" is the metadata's to read.
  if (!text.replace(/\D/g, '').includes(`${code}${national}`)) return undefined;
  const mark = MOBILE_MARK[code] ?? '';
  if (!national.startsWith(`${mark}0`)) return undefined;
  const rest = `+${code}${mark}${national.slice(mark.length + 1)}`;
  const dropped = validNumber(parsed(rest, country), rest);
  if (dropped && p.ext) dropped.setExt(p.ext);
  return dropped;
}

/**
 * A phone number a person in `country` typed: in E.164 ("+57 310 123 4567"), with an international
 * prefix ("0057…", "009 57…", "011 57…"), or national ("310 123 4567"); with an extension in any form
 * libphonenumber-js reads ("ext. 21", "extensión 21", "anexo 21", "int. 21", "x21", "#21", RFC 3966
 * ";ext=21") or "interno 21"; as a `tel:` or `sip:` URI (4 above); digits in any script (lib/phone/digits.ts); superseded
 * national forms (lib/phone/legacy.ts); "00" for "+" and a trunk "0" after the country code (above);
 * format characters around or inside it (U+202D … U+202C from iOS Contacts) ignored (5 above); a
 * national number of a region sharing `country`'s national plan (6 above); Brazil's "0xx" (7 above).
 * Returns the valid number (its `ext` the extension's ASCII digits), or undefined when no reading is
 * valid or two readings give two different numbers, neither in `country`.
 */
export function readTyped(input: string, country: CountryCode): PhoneNumber | undefined {
  const trimmed = numberText(input).trim();
  const uri = uriNumber(trimmed);
  const ext = uri === null ? undefined : EXT_PARAM.exec(trimmed)?.[1];
  const named = (uri === null ? trimmed : ext ? `${uri};ext=${ext}` : uri).replace(INTERNO, 'ext');
  const text = country === 'BR' ? named.replace(BRAZIL_0XX, '$10') : named;
  return inCountry(text, country) ?? inSiblingPlan(text, country);
}

/** readTyped's reading of `text` (URI and "interno" already resolved) in `country`'s own plan: rules 1–3. */
function inCountry(text: string, country: CountryCode): PhoneNumber | undefined {
  const written = asWritten(text, country);
  if (!LEADING_00.test(text)) return written;
  const plus = asWritten(text.replace(LEADING_00, '$1+'), country);
  if (!plus || !written || plus.number === written.number) return written ?? plus;
  if (plus.countryCallingCode === planOf(country).callingCode()) return plus;
  return undefined;
}

/**
 * Rule 6: a national number of a region that shares `country`'s national plan (lib/phone/plan.ts
 * nationalPlanSiblings: France and its overseas departments), when `country`'s own metadata reads
 * none: "0692 12 34 56" typed in France is Réunion's +262 692 12 34 56. Only when exactly one sibling
 * gives a valid number of its own country code; else undefined.
 */
function inSiblingPlan(text: string, country: CountryCode): PhoneNumber | undefined {
  const found = new Map<string, PhoneNumber>();
  for (const sibling of nationalPlanSiblings(country)) {
    const n = asWritten(text, sibling);
    if (n && n.countryCallingCode === planOf(sibling).callingCode()) found.set(n.number, n);
  }
  return found.size === 1 ? [...found.values()][0] : undefined;
}
