import examples from 'libphonenumber-js/examples.mobile.json';
import {
  type CountryCode,
  getExampleNumber,
  isSupportedCountry,
  Metadata,
  type PhoneNumber,
  type PhoneNumberType,
  parsePhoneNumberFromString,
} from 'libphonenumber-js/max';
import { intlOf } from '@/lib/i18n/intl-cache';
import { catalogueLocale } from '@/lib/i18n/locales';
import type { Translate } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { numberText } from './digits';
import { mexicanMobileWithOne, validNumber } from './legacy';
import {
  accountCountry as knownCountry,
  DEFAULT_COUNTRY,
  iddPrefixIn,
  isIddPrefix,
  nationalPlanSiblings,
  planOf,
  trunkPrefixOf,
} from './plan';
import { pbxPrefixIn, pbxTrunkIn } from './pbx';
import { readTyped } from './typed';
import { uriNumber } from './uri';
import { writtenNumber } from './written';

export { isSupportedCountry };

// libphonenumber-js decides what a number is; Intl names the country, the catalogue (phone.*) names
// the ranges that belong to no country and the kinds of number. No server-only: pure formatting, used
// by pages, mail templates and the staff console alike (one reading of a dialled number).

/**
 * How the switch wrote the number: "+252…", "011252…" (the account country's IDD), "9011252…" or
 * "918765550123" (a PBX's access code, then the IDD or the trunk prefix: lib/phone/pbx.ts),
 * "2125550123", "252611234567".
 */
export type NumberForm = 'e164' | 'idd' | 'pbx' | 'national' | 'digits';

/**
 * Why a destination costs more than its country code suggests (the usual International Revenue Share
 * Fraud targets): a premium-rate range; a NANP number outside the US and Canada, dialled like a
 * domestic call but billed as international, from an account itself in the NANP (calling code 1:
 * from Spain or Mexico every +1 number is dialled and billed as international, the US's too), and
 * not the US territories from an account in the US or one of them (US_RATE_INTEGRATED); an
 * international network (+882, +883); a satellite service (+870, +881).
 */
export type HighCost = 'premium_rate' | 'nanp_outside_us_ca' | 'international_network' | 'satellite';

export type DialledNumber = {
  /** As the switch reported it. */
  raw: string;
  /** "+252611234567", or null when the number could not be read. */
  e164: string | null;
  form: NumberForm | null;
  /** International format ("+252 61 123 4567"); the raw text when unreadable. */
  display: string;
  /** ISO 3166-1 alpha-2 of the destination; null for numbers outside any country and unreadable ones. */
  country: CountryCode | null;
  /** Country name (Intl), or the ITU name of a code outside any country ("International Networks", phone.network.*). */
  countryName: string | null;
  /** The kind of number when a reader would not guess it from the country (NOTABLE_TYPES: "Toll-free number", "VoIP number"…), else null. */
  range: string | null;
  flag: string | null;
  /** Outside the account's country (by region: +1 876 is Jamaica, not the US); null when unreadable. */
  international: boolean | null;
  highCost: HighCost | null;
};

/** 🇸🇴 from "SO": two regional indicator symbols. */
export function flagOf(country: string): string {
  return String.fromCodePoint(...[...country.toUpperCase()].map((c) => 0x1f1e6 + c.charCodeAt(0) - 65));
}

/** "Somalia" for "SO", in `locale` (Intl.DisplayNames); the code itself when Intl has no name. */
export function countryName(country: string, locale = 'en'): string {
  return intlOf(Intl.DisplayNames, locale, { type: 'region' }).of(country) ?? country;
}

/**
 * "Dominican Republic (DO)" for "DO": a country's name in `locale` (countryName) with its ISO 3166-1
 * alpha-2 code, as allowances, their notes and mails, the staff queue and the audit log name a
 * country, so that an agent on the phone and the customer read the same code. Not for a sentence
 * that wants English "the" (inSentence): the name stands as written at the head of a sentence too.
 */
export function countryAndCode(country: string, locale = 'en'): string {
  return `${countryName(country, locale)} (${country})`;
}

/**
 * A number of `country` for a hint, written internationally ("+54 9 11 2345 6789" for AR) or as it is
 * dialled there (`national`: "011 15-2345-6789"): libphonenumber's example mobile number, so that the
 * hint looks like the numbers the reader dials. DEFAULT_COUNTRY's for a country libphonenumber does not know.
 */
export function exampleNumber(country: string, form: 'international' | 'national' = 'international'): string {
  const region = (isSupportedCountry(country) ? country : DEFAULT_COUNTRY) as CountryCode;
  const example = getExampleNumber(region, examples);
  return (form === 'national' ? example?.formatNational() : example?.formatInternational()) ?? '';
}

/**
 * The E.164 country codes that belong to no country (libphonenumber region "001"): their names are
 * catalogue keys (phone.network.<code>, worded after the ITU-T list of assigned country codes, Annex to
 * ITU-T OB, "List of ITU-T Recommendation E.164 assigned country codes"). Which codes are
 * non-geographic comes from libphonenumber's metadata; a unit test fails if the metadata gains one
 * that is not named here, or a name is missing from a catalogue.
 */
export const NON_GEOGRAPHIC: Record<string, { key: string; highCost: HighCost | null }> = {
  '800': { key: 'phone.network.800', highCost: null },
  '808': { key: 'phone.network.808', highCost: null },
  '870': { key: 'phone.network.870', highCost: 'satellite' },
  '878': { key: 'phone.network.878', highCost: null },
  '881': { key: 'phone.network.881', highCost: 'satellite' },
  '882': { key: 'phone.network.882', highCost: 'international_network' },
  '883': { key: 'phone.network.883', highCost: 'international_network' },
  '888': { key: 'phone.network.888', highCost: null },
  '979': { key: 'phone.network.979', highCost: 'premium_rate' },
};

/** The catalogue key naming each kind of number libphonenumber-js tells apart (PhoneNumber.getType()). */
export const NUMBER_TYPE_KEYS: Record<PhoneNumberType, string> = {
  FIXED_LINE: 'phone.type.fixedLine',
  MOBILE: 'phone.type.mobile',
  FIXED_LINE_OR_MOBILE: 'phone.type.fixedLineOrMobile',
  TOLL_FREE: 'phone.type.tollFree',
  PREMIUM_RATE: 'phone.type.premiumRate',
  SHARED_COST: 'phone.type.sharedCost',
  VOIP: 'phone.type.voip',
  PERSONAL_NUMBER: 'phone.type.personalNumber',
  PAGER: 'phone.type.pager',
  UAN: 'phone.type.uan',
  VOICEMAIL: 'phone.type.voicemail',
};

/** Kinds a reader would not guess from the country's name: DialledNumber.range names them. */
export const NOTABLE_TYPES: ReadonlySet<PhoneNumberType> = new Set(
  (Object.keys(NUMBER_TYPE_KEYS) as PhoneNumberType[]).filter(
    (t) => t !== 'FIXED_LINE' && t !== 'MOBILE' && t !== 'FIXED_LINE_OR_MOBILE',
  ),
);

const translators = new Map<string, Translate>();
/** The catalogue of a BCP 47 tag ("es", "es-MX", "en-US"): its language if Tollgate speaks it, else English (catalogueLocale). */
function catalogueOf(tag: string): Translate {
  const locale = catalogueLocale(tag);
  let t = translators.get(locale);
  if (!t) translators.set(locale, (t = translate(locale)));
  return t;
}

/** The non-geographic calling codes libphonenumber's metadata knows ("800", "882", …). */
export function nonGeographicCodes(): string[] {
  return Object.keys(
    (new Metadata() as unknown as { metadata: { nonGeographic?: Record<string, unknown> } }).metadata
      .nonGeographic ?? {},
  );
}

const SEPARATORS = /[\s().\-/\u00a0]/g;

/**
 * What a phone dials around a number without changing where the call goes, and a switch may log with
 * it. Hand-written: libphonenumber-js reads numbers, not keypad commands.
 * - A prefix that only hides or shows the caller's number on this call: "*67" and "*82", the NANP
 *   vertical service codes for calling number delivery blocking and unblocking (NANPA's Vertical
 *   Service Code assignments); "#31#" and "*31#", GSM's temporary CLIR mode (3GPP TS 22.030 Annex B,
 *   supplementary service code 31), which mobiles in Spain and Latin America use.
 * - A trailing "#", the send key of phones set to end dialling with it.
 */
const KEYPAD_AROUND = /^(?:\*67|\*82|[#*]31#)?([^*#]*)#?$/;

function parsed(candidate: string, country?: CountryCode): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(candidate, country);
  } catch {
    return undefined;
  }
}

/** A dialled number read (readDialled): the number, the form it was written in, and the prefixes dialled before it. */
export type DialledReading = {
  number: PhoneNumber;
  form: NumberForm;
  /** The international prefix as written before the number ("011", "009", "0011"), for `idd` and `pbx`. */
  prefix?: string;
  /** The PBX's outside-line access code before `prefix` or `trunk` ("9", "0"), for `pbx` (pbx.ts). */
  access?: string;
  /**
   * The trunk prefix after `access` ("1" in NANP, "0" in GB), for `pbx` before a national number;
   * absent where the country has none (Spain's "0 806 123 456": the access code alone).
   */
  trunk?: string;
};

/**
 * Reads a dialled number in every form a switch writes it, from an account in `accountCountry`, bare
 * or as a `tel:`/`sip:`/`sips:` URI (lib/phone/uri.ts: the user part, and a local number in the
 * country its `phone-context` names):
 * 1. E.164 with "+";
 * 2. the account country's IDD prefix ("011" in NANP, "0011"/"0014"… in Australia, "810" in Russia,
 *    "005"/"007"/"009"/"00414"… in Colombia, from libphonenumber's metadata), or "00" (ITU-T E.164
 *    recommended prefix) when that gives a valid number;
 * 3. a PBX's outside-line access code ("9", "0": lib/phone/pbx.ts) before the account country's
 *    IDD prefix, as PBX CDRs record what the extension dialled: "9 011 252 61 1234567" from the US,
 *    "0 00 252…" from Spain; or before its trunk prefix and a national number: "9 1 876 234 5678"
 *    (Jamaica) from the US, "9 0 20 7946 0958" from Great Britain; or, where the country has no
 *    trunk prefix, before a valid national number: "0 806 123 456" from Spain (form `pbx`);
 * 4. a valid national number of the account's country (with or without its trunk prefix; in NANP
 *    this includes other NANP countries: "18765550123" is Jamaica);
 * 5. bare E.164 digits without "+" ("252611234567") when they form a valid number.
 * Each form names a number when it gives a valid one. A form whose prefix fixes the country calling
 * code names it even when it is outside libphonenumber's valid ranges, as fraud numbers often are
 * (Cuba's): "+" (1), and the account country's own IDD prefix (2, and after an access code, 3),
 * after which ITU-T E.164 puts the country code as surely as after "+"; so "005391234567" from Spain
 * is Cuba's +53 91234567, as "+5391234567" is. A carrier's form beginning "00" where a plain "00"
 * is no prefix (Colombia's "007") names one only when it is possible and "00" and the rest give no
 * number ("000 53 91234567" from Kenya is Cuba's; "007 53 91234567" from Colombia is also +7 539 123
 * 4567 after "00", so not read: readingsOf, Reading `contested`).
 * So does a national number (4, or after an access code
 * and the trunk prefix, 3) in another region of the account's plan, which its leading digits name
 * as surely (a NANP area code belongs to one country: "1 473 234 5678" is Grenada's from the US).
 * The digits are read only when every form that names a number names the same one: digits that two
 * forms read as two different numbers are not read (the caller keeps the text), since either could
 * name the wrong country (issue 14). So "009 1 812 345 6789" from Colombia (+1 812… through carrier
 * 9, or India's +91 81234 56789 after a plain "00") is not read, nor "9 1 876 234 5678" from the US
 * (Jamaica through a PBX, or India's +91 87623 45678 without its "+"), nor "5152795494" from the US:
 * Iowa's (515) 279-5494 written as a national number, or Peru's +51 52 795494 written without its
 * "+" (a trunk that takes 10-digit national numbers and E.164 digits for the rest writes both so). A
 * trigger call is more often international than not, so "national" is no safer a guess. A trunk
 * prefix settles it: "0" (no E.164 country code begins with 0: "02079460958" from Great Britain is
 * London's) and NANP's "1" (the country code itself: "15152795494" is Iowa's).
 * A caller-ID prefix ("*67", "#31#") or a trailing send key "#" is not part of the number (KEYPAD_AROUND).
 * The switch is the truth: digits written as an E.164 number (after "+", an international prefix, a
 * PBX's access code and an international prefix, or bare E.164 digits) are the number the switch
 * dialled, as written (lib/phone/written.ts writtenNumber): "+630123456" from Spain is +63 0123456
 * (the Philippines), not the +63 123456 libphonenumber makes of it by stripping the Philippine trunk
 * "0", and "+5621234567" from Mexico stays +56 21234567, not the Santiago line +56 2 2123 4567 that
 * Chile's superseded seven-digit form denotes today (lib/phone/legacy.ts); the one exception is
 * Mexico's "+52 1" before a mobile, the international form of the same line until 2019
 * ("+52 1 55 1234 5678" is +52 55 1234 5678: lib/phone/legacy.ts mexicanMobileWithOne), read so
 * when the ten digits are a valid number and the digits as written are not. A trunk prefix after the
 * country code is dropped only when the rest is a valid number and the digits as written are not
 * ("+44 0 7797 123456" is Jersey's +44 7797 123456), as the reference switch reads them
 * (switch/kamailio/kamailio.cfg, the policy query's positions 1–3). A number in a superseded national
 * form of its own country, written as dialled there ("0445512345678", "025512345678" from Mexico,
 * "0981234567", "0221234567" or "12321234567" from Chile, "0849123456" from Peru), is read as the
 * number it denotes (lib/phone/legacy.ts), but only when no form reads the digits as a valid number
 * as they are: "68228850" from Colombia is the Cook Islands' +682 28850 (digits), not the old 8-digit
 * form of Colombia's +57 606 822 8850. Digits in any script are read as their ASCII digits, and
 * format characters (U+202D…) are ignored (lib/phone/digits.ts numberText).
 * Returns the number, the form and the prefixes written before it, or null when none applies.
 */
export function readDialled(raw: string, accountCountry: CountryCode): DialledReading | null {
  return readAs(raw, accountCountry, 'switch');
}

/**
 * Who wrote the text readDialled reads: a switch (what it dialled, kept as written) or a person
 * (parseUserPhone: a number typed as a PBX extension dials it, whose superseded forms a person's old
 * contacts still hold and lib/phone/legacy.ts reads as the number they denote).
 */
type Writer = 'switch' | 'person';

function readAs(raw: string, accountCountry: CountryCode, writer: Writer): DialledReading | null {
  const readings = readingsOf(raw, accountCountry, writer);
  if (!readings) return null;
  // Colombia's "009" is "00" and carrier 9, Brazil's "0021" "00" and carrier 21: when the digits
  // after that name a number and those after a plain "00" are a valid one, nothing says which was
  // dialled; the same for a national number that is also another country's without its "+" (issue 14).
  const named = namedBy(readings, accountCountry, writer);
  if (new Set(named.map((n) => n.number.number)).size > 1) return null;
  if (disputed(readings, named)) return null;
  // A number named as written wins over a superseded form of another reading: "3290539072" from
  // Brazil is the Belgian premium-rate +32 90 53 90 72, not the eight-digit mobile 32 9053-9072,
  // which has not connected since 2016 (review 14).
  if (named[0]) return reading(named[0].r, named[0].number);
  for (const r of readings) {
    const number = validNumber(r.p, r.written);
    if (!number) continue;
    if (writer === 'person' || atHome(r, accountCountry)) return reading(r, number);
    // E.164 digits a switch wrote in a superseded form of their country ("5621234567" from Spain:
    // Chile's old seven digits; "0011 51 1 9123 4567" from Australia): that country, named by the
    // old form, with the digits as written, never the number the old form denotes today. Left
    // unread, its calls went missing from the block's destinations and from the callback rule that
    // refuses a number in one of them (lib/phone/callback.ts).
    const written = r.e164 ? writtenNumber(r.e164) : undefined;
    if (written?.country && written.countryCallingCode === number.countryCallingCode)
      return reading(r, written);
  }
  return null;
}

/**
 * Whether `r` reads a number of the account's own plan as its people dial it at home: no E.164 number
 * (Reading `e164`), and no international prefix that libphonenumber read itself before a country
 * code ("0011 51 1 9123 4567" from Australia, "009 57 1 234 5678" from Colombia). Only such a
 * number a switch wrote may be read in a superseded national form (lib/phone/legacy.ts); what it
 * wrote as an E.164 number is what it dialled, never rewritten into another number.
 */
function atHome(r: Reading, accountCountry: CountryCode): boolean {
  return (
    !r.e164 &&
    r.p?.countryCallingCode === planOf(accountCountry).callingCode() &&
    !iddPrefixIn(r.written, accountCountry)
  );
}

/**
 * The numbers `raw` may be, from an account in `accountCountry`: the one readDialled reads; when it
 * reads none, every number a form names (distinct, in the order of readDialled's forms:
 * "5152795494" from the US is +1 515 279 5494 and +51 52 795494), then, for each further destination
 * any form gives whether valid or not (its region, or its calling code where it has none), the first
 * number that gives it, the account's own country left out: "005391234567" from the US, where "00"
 * is no international prefix and Cuba's +53 91234567 is outside its valid ranges, is Cuba's. [] when
 * no form gives a number. For a check that must hold whichever was dialled (a callback number must
 * not be in any country a block's calls may have gone to: lib/phone/callback.ts, which compares
 * regions and never refuses a number in the account's own country for it), never for display.
 * Before 2026-12-06 only the numbers a form names counted, so a call no form named let a callback
 * number in its country through.
 */
export function dialledCandidates(raw: string, accountCountry: CountryCode): PhoneNumber[] {
  const read = readDialled(raw, accountCountry);
  if (read) return [read.number];
  const readings = readingsOf(raw, accountCountry, 'switch') ?? [];
  const byNumber = new Map<string, PhoneNumber>();
  for (const { number } of namedBy(readings, accountCountry, 'switch'))
    if (!byNumber.has(number.number)) byNumber.set(number.number, number);
  const destination = (p: PhoneNumber) => p.country ?? `+${p.countryCallingCode}`;
  const destinations = new Set([accountCountry, ...[...byNumber.values()].map(destination)]);
  for (const r of readings)
    for (const p of [r.e164 ? writtenNumber(r.e164) : undefined, r.p])
      if (p && !destinations.has(destination(p))) {
        destinations.add(destination(p));
        byNumber.set(p.number, p);
      }
  return [...byNumber.values()];
}

/**
 * One form readDialled weighs: `p` what libphonenumber parsed, `written` the text it was parsed from
 * (for lib/phone/legacy.ts validNumber), `e164` for a form whose digits are an E.164 number ("+", an
 * international prefix, bare digits) that number as written ("+630123456": writtenNumber), `names`
 * what it takes for the form to name its number:
 * - `parsed`: any number libphonenumber parses (a country code after "+", or after the account
 *   country's own IDD prefix, alone or after a PBX's access code);
 * - `region`: a valid number, or one in another region of the account's plan, named by its leading
 *   digits (a national number, or one after an access code and the trunk prefix);
 * - `possible`: a valid number, or a possible one (a length its calling code allows: a carrier's
 *   form beginning "00" where a plain "00" is no prefix; "+41 370123" after Australia's "0014" is none);
 * - `valid`: a valid number only ("00" where the country's own prefix is another, bare digits).
 * `contested`: the number it names stands only where no other reading with an E.164 number gives
 * another (disputed): `invalid` when it is outside the valid ranges and no superseded form of it is
 * valid (a carrier's form), `always` (an access code alone before a national number).
 */
type Reading = Omit<DialledReading, 'number'> & {
  p: PhoneNumber | undefined;
  written: string;
  e164?: string;
  names: 'parsed' | 'possible' | 'region' | 'valid';
  contested?: 'invalid' | 'always';
};

/**
 * Whether a number `named` names is contested (Reading `contested`) and another reading that puts a
 * country code in the digits (Reading `e164`: "00", the IDD prefix, bare digits) gives another number,
 * possible or not, valid or not: then nothing says which was dialled ("0016 4492345" from Australia
 * is +64 492345 through carrier 16, or Montserrat's +1 664 492345, one digit short, after a plain
 * "00"), and the digits are not read (dialledCandidates gives both). Since 2026-12-06.
 */
function disputed(
  readings: readonly Reading[],
  named: readonly { r: Reading; number: PhoneNumber }[],
): boolean {
  return named.some(
    ({ r, number }) =>
      (r.contested === 'always' || (r.contested === 'invalid' && !validNumber(r.p, r.written))) &&
      readings.some((o) => {
        const other = o !== r && o.e164 ? (writtenNumber(o.e164) ?? o.p) : undefined;
        return !!other && other.number !== number.number;
      }),
  );
}

/**
 * The number each of `readings` names (Reading `names`), in their order; those that name none left
 * out. An E.164 number a switch wrote (Reading `e164`) is named as written when that is valid, else as
 * libphonenumber read it when that is valid (a trunk prefix after the country code dropped), else,
 * where its prefix names it, as written: never with a prefix stripped or a superseded form rewritten
 * into a number nobody dialled.
 */
function namedBy(
  readings: readonly Reading[],
  accountCountry: CountryCode,
  writer: Writer,
): { r: Reading; number: PhoneNumber }[] {
  return readings.flatMap((r) => {
    const p = r.p;
    if (!p) return [];
    if (r.e164 && writer === 'switch') {
      // libphonenumber kept the digits (the usual case): its reading is the number as written.
      const written = p.number === r.e164 ? p : writtenNumber(r.e164);
      if (written?.isValid()) return [{ r, number: written }];
      if (p.isValid()) return [{ r, number: p }];
      // Mexico's "+52 1" before a mobile (until 2019): the same line, read as today's ten digits.
      const mobile = mexicanMobileWithOne(r.e164);
      if (mobile) return [{ r, number: mobile }];
      const number = written ?? p;
      return r.names === 'parsed' || (r.names === 'possible' && number.isPossible()) ? [{ r, number }] : [];
    }
    if (p.isValid()) return [{ r, number: p }];
    const names =
      r.names === 'parsed' ||
      (r.names === 'possible' && p.isPossible()) ||
      (r.names === 'region' &&
        p.isPossible() &&
        p.countryCallingCode === planOf(accountCountry).callingCode() &&
        !!p.country &&
        p.country !== accountCountry);
    return names ? [{ r, number: validNumber(p, r.written) ?? p }] : [];
  });
}

const reading = (r: Reading, number: PhoneNumber): DialledReading => ({
  number,
  form: r.form,
  ...(r.prefix ? { prefix: r.prefix } : {}),
  ...(r.access ? { access: r.access } : {}),
  ...(r.trunk ? { trunk: r.trunk } : {}),
});

/**
 * The text readDialled reads of `raw`: the number of a `tel:`/`sip:` URI (lib/phone/uri.ts), without
 * separators, keypad codes around it (KEYPAD_AROUND) and format characters, digits in ASCII
 * (lib/phone/digits.ts numberText): "+252611234567", "9011252611234567"; whatever else is left when
 * `raw` is no number ("*97"). The one way the dialled-number readers (readDialled,
 * lib/requests/dialling.ts internationalPart) see a switch's text.
 */
export function dialledText(raw: string): string {
  const text = numberText(raw);
  const written = (uriNumber(text) ?? text).trim().replace(SEPARATORS, '');
  return KEYPAD_AROUND.exec(written)?.[1] ?? written;
}

/**
 * Every reading readDialled weighs for `raw` as `writer` wrote it, in its order: for a number written
 * with "+" that one alone; else the account country's IDD prefix, "00", a PBX's access code before
 * the IDD prefix, national, a PBX's access code before the trunk prefix (or, from a switch, before a
 * national number where the country has none), bare digits. Null when `raw` is no number in any form.
 */
function readingsOf(raw: string, accountCountry: CountryCode, writer: Writer): Reading[] | null {
  const s = dialledText(raw);
  if (s.startsWith('+')) {
    const p = /^\+\d{2,20}$/.test(s) ? parsed(s) : undefined;
    return p ? [{ form: 'e164', p, written: s, e164: s, names: 'parsed' }] : null;
  }
  if (!/^\d{2,24}$/.test(s)) return null;
  // The account country's own prefix, alone or after a PBX's access code, puts a country code after
  // it as surely as "+" (names: parsed), and not where both give a number (Mexico's "0[09]" makes
  // "0 09 7 150 123 4567" also "00 971 50 123 4567"). A carrier's form that is "00" and more digits
  // (Colombia's "009" is "00" and carrier 9, Australia's "0014" "00" and "14", Brazil's "0021",
  // Korea's "001", Kenya's "000"…) does so too where a plain "00" is no international prefix of the
  // country (lib/phone/plan.ts isIddPrefix): there every call abroad is dialled through a carrier's
  // form, and "00" reads the digits another way only as a switch's own normalisation, a reading
  // weighed below (names: valid), so that a valid number after it still makes the call unread
  // ("009 1 812 345 6789" from Colombia). It names a number outside the valid ranges only when that
  // is possible and "00" gives no other number, valid or not (names: possible, contested: invalid):
  // "0053 91234567" from Colombia is Cuba's after "00" or "+39 1234567" through carrier 5, not read;
  // "000 53 91234567" from Kenya is Cuba's. Since 2026-12-06; before, only a valid number was read
  // after such a form (and, for a few hours that day, any number, "0014 41370123" from Australia
  // Switzerland's +41 370123 though it is Bermuda's +1 441 370123 one digit short). Where
  // "00" alone is a prefix too (Bolivia's "00" beside its "001x", Hong Kong's), the carrier's form
  // names only a valid number, as a plain "00" where the country's prefix is another does.
  const idd = iddPrefixIn(s, accountCountry);
  const pbx = pbxPrefixIn(s, accountCountry);
  const e164AfterIdd = idd ? `+${s.slice(idd.length)}` : undefined;
  const e164AfterPbx = pbx ? `+${s.slice(pbx.access.length + pbx.idd.length)}` : undefined;
  const afterIdd = e164AfterIdd ? parsed(e164AfterIdd) : undefined;
  const afterPbx = e164AfterPbx ? parsed(e164AfterPbx) : undefined;
  const plainIsPrefix = isIddPrefix('00', accountCountry);
  // How a reading after `prefix` names its number (Reading `names`, `contested`).
  const naming = (prefix: string): Pick<Reading, 'names' | 'contested'> => {
    if (afterIdd && afterPbx) return { names: 'valid' };
    if (prefix === '00' || !prefix.startsWith('00')) return { names: 'parsed' };
    return plainIsPrefix ? { names: 'valid' } : { names: 'possible', contested: 'invalid' };
  };
  const all: Reading[] = [];
  if (idd)
    all.push({ form: 'idd', p: afterIdd, written: s, e164: e164AfterIdd, prefix: idd, ...naming(idd) });
  if (idd !== '00' && s.startsWith('00')) {
    const e164 = `+${s.slice(2)}`;
    all.push({ form: 'idd', p: parsed(e164), written: s, e164, prefix: '00', names: 'valid' });
  }
  if (pbx) {
    const e164 = e164AfterPbx;
    all.push({
      form: 'pbx',
      p: afterPbx,
      written: s,
      e164,
      prefix: pbx.idd,
      access: pbx.access,
      ...naming(pbx.idd),
    });
  }
  // With its trunk prefix written, a national number names its region as the trunk reading does
  // ("1 473 234 5678" from the US is Grenada's); without it, only a valid one.
  const trunked = !!trunkPrefixOf(accountCountry) && s.startsWith(trunkPrefixOf(accountCountry));
  const national = parsed(s, accountCountry);
  all.push({ form: 'national', p: national, written: s, names: trunked ? 'region' : 'valid' });
  // A national number of a region sharing the account's national plan (lib/phone/plan.ts
  // nationalPlanSiblings: "0262 26 12 34" from a French account is Réunion's), when the account's own
  // metadata finds it no valid number: as another national reading, named only when valid.
  if (!national?.isValid())
    for (const sibling of nationalPlanSiblings(accountCountry)) {
      const p = parsed(s, sibling);
      if (p?.countryCallingCode === planOf(sibling).callingCode())
        all.push({ form: 'national', p, written: s, names: 'valid' });
    }
  // An access code before the trunk prefix and a national number, or before a national number where
  // the country has none (lib/phone/pbx.ts pbxTrunkIn: "0 806 123 456" from Spain): with a trunk
  // prefix written, it names its region as a national number with it does. Without one, only a
  // valid number, and only where no other reading with an E.164 number gives another, valid or not
  // (contested: always): "9 806 123 456" from Spain is Iran's +98 6123456 too, "9617112345" from
  // Chile Lebanon's +961 7112345 one digit short, so they stay unread; only in what a switch wrote, a PBX's record (a person who types "0692
  // 12 34 56" in Spain more likely means the French number than a Spanish one behind an access
  // code); and not where the whole is itself a national number, valid ("0899 123 456" from Italy is
  // Salerno's) or in a superseded form (lib/phone/legacy.ts: Chile's "09 8123 4567" is that form's
  // trunk "0", not an access code), which is what the digits then are.
  const trunk = pbxTrunkIn(s, accountCountry);
  if (trunk) {
    const rest = s.slice(trunk.access.length);
    const p = parsed(rest, accountCountry);
    const named = trunk.trunk || (writer === 'switch' && p?.isValid() && !validNumber(national, s));
    // A number of the account's plan (libphonenumber may read the digits another way: not this form).
    if (p?.countryCallingCode === planOf(accountCountry).callingCode() && named)
      all.push({
        form: 'pbx',
        p,
        written: rest,
        access: trunk.access,
        ...(trunk.trunk ? { trunk: trunk.trunk } : { contested: 'always' as const }),
        names: trunk.trunk ? 'region' : 'valid',
      });
  }
  all.push({ form: 'digits', p: parsed(`+${s}`), written: `+${s}`, e164: `+${s}`, names: 'valid' });
  return all;
}

/**
 * The US and the territories where US rate integration applies (47 U.S.C. § 254(g), 47 CFR
 * § 64.1801: a US carrier charges a call to Puerto Rico, the US Virgin Islands, Guam, the Northern
 * Mariana Islands or American Samoa as it charges one between states), all in the NANP. Hand-written:
 * libphonenumber knows regions, not tariffs. Among these, none is `nanp_outside_us_ca` from an account
 * in another. From a Canadian account they are: Canada's carriers are not bound by § 254(g) and rate
 * them as they rate the rest of the Caribbean and the Pacific, while the US and Canada are always
 * left out (the Canada–US long-distance plans every carrier sells).
 */
export const US_RATE_INTEGRATED: ReadonlySet<CountryCode> = new Set(['US', 'PR', 'VI', 'GU', 'MP', 'AS']);

/** The calling code of the North American Numbering Plan (ITU-T E.164 "1": the US, Canada, the Caribbean). */
const NANP = '1';

/**
 * Why `p` (in `country`, its region, or null) costs more than its code suggests from an account in
 * `accountCountry` (HighCost), or null. `nanp_outside_us_ca` only from an account whose own calling
 * code is the NANP's, by libphonenumber's metadata (lib/phone/plan.ts planOf): only there is a
 * Caribbean number dialled like a domestic one ("1 809…") and yet billed as international. An
 * account whose country libphonenumber does not know counts as DEFAULT_COUNTRY's (lib/phone/plan.ts
 * accountCountry, the one fallback), the US, where the rule holds: a callback number there is refused
 * rather than risked.
 */
function highCostOf(
  p: PhoneNumber,
  country: CountryCode | null,
  accountCountry: CountryCode,
): HighCost | null {
  if (p.isNonGeographic()) return NON_GEOGRAPHIC[p.countryCallingCode]?.highCost ?? null;
  if (p.getType() === 'PREMIUM_RATE') return 'premium_rate';
  if (
    p.countryCallingCode === NANP &&
    planOf(knownCountry(accountCountry)).callingCode() === NANP &&
    country &&
    country !== 'US' &&
    country !== 'CA' &&
    country !== accountCountry &&
    !(US_RATE_INTEGRATED.has(country) && US_RATE_INTEGRATED.has(accountCountry))
  )
    return 'nanp_outside_us_ca';
  return null;
}

/**
 * Where a read number goes: its region (ISO 3166-1 alpha-2: "JM" for +1 876, "PH" for +63 0123456),
 * or for a number of no region (+882 international networks, +61 0936834) its country calling code
 * ("+882", "+61"). A trigger call's stored destination (lib/blocks/trigger-calls.ts) and a block's
 * destinations (lib/blocks/destinations.ts) alike.
 */
export function destinationOfReading(read: DialledReading): string {
  return read.number.country ?? `+${read.number.countryCallingCode}`;
}

/** Where a read number goes, as a sentence of `locale` says it: its country ("the" where English wants it), network, or the number. */
function destinationName(d: DialledNumber, locale: string): string {
  const name = d.countryName ?? d.display;
  return d.country && d.countryName ? inSentence(d.country, name, locale) : name;
}

/** Destinations a sentence names before "and N other destinations" (the block page's and the notice's). */
export const NAMED_DESTINATIONS = 8;

/**
 * The destinations a sentence about a block's calls names: of `numbers`, one number per destination
 * in the order of the most calls (lib/blocks/destinations.ts), the first NAMED_DESTINATIONS named in
 * that order ("the" where English wants it: inSentence), and how many more destinations there are.
 */
export function namedDestinations(
  numbers: readonly string[],
  accountCountry: CountryCode,
  locale: string,
): { names: string[]; more: number } {
  // In the order given, most calls first: "Somalia, Cuba and the Dominican Republic" says where the
  // fraud went before where it only tried (tester, 2026-12), where an alphabetical list put Somalia last.
  const names = [
    ...new Set(
      numbers
        .slice(0, NAMED_DESTINATIONS)
        .map((n) => destinationName(describeDialled(n, accountCountry, locale), locale)),
    ),
  ];
  return { names, more: Math.max(0, numbers.length - NAMED_DESTINATIONS) };
}

/**
 * Regions whose English name takes "the" inside a sentence ("calls to the United States", "to the
 * Philippines"): plural names and names made of a common noun (Kingdom, Republic, Emirates, Islands,
 * Territories, Netherlands).
 * Hand-written: Intl.DisplayNames gives the name alone ("United States"), and no library here says
 * which take an article. By region code, so a change of CLDR's spelling does not lose one.
 */
// prettier-ignore
const ENGLISH_THE = new Set([
  'AE', 'AX', 'BQ', 'BS', 'CC', 'CF', 'CK', 'DO', 'FK', 'FO', 'GB', 'GM', 'GS', 'HM', 'IO', 'KM', 'KY',
  'MH', 'MP', 'MV', 'NL', 'PH', 'PN', 'PS', 'SB', 'SC', 'TC', 'TF', 'UM', 'US', 'VG', 'VI',
]);

/**
 * A country's name as a sentence of `locale` writes it after "to": in English "the United States" for
 * the regions of ENGLISH_THE, else `name` as Intl gives it (Spanish writes "a Estados Unidos", "a
 * Filipinas" without one). `region`: ISO 3166-1 alpha-2.
 */
export function inSentence(region: string, name: string, locale: string): string {
  return locale.toLowerCase().startsWith('en') && ENGLISH_THE.has(region.toUpperCase())
    ? `the ${name}`
    : name;
}

/**
 * A number as the switch reported it, for display, from an account in `accountCountry` (see
 * readDialled for the forms), with the country (or the non-geographic network) and any notable kind
 * of number named in `locale` (BCP 47; English by default). Unreadable input is shown as it came, never dropped.
 */
export function describeDialled(
  raw: string,
  accountCountry: CountryCode = DEFAULT_COUNTRY,
  locale = 'en',
): DialledNumber {
  const r = readDialled(raw, accountCountry);
  if (!r)
    return {
      raw,
      e164: null,
      form: null,
      display: raw,
      country: null,
      countryName: null,
      flag: null,
      international: null,
      highCost: null,
      range: null,
    };
  const p = r.number;
  const country = p.country ?? null;
  const t = catalogueOf(locale);
  const code = p.countryCallingCode;
  const network = p.isNonGeographic()
    ? t(NON_GEOGRAPHIC[code]?.key ?? 'phone.network.other', { code })
    : null;
  const type = p.getType();
  return {
    raw,
    e164: p.number,
    form: r.form,
    display: p.formatInternational(),
    country,
    countryName: country ? countryName(country, locale) : network,
    flag: country ? flagOf(country) : null,
    international: country
      ? country !== accountCountry
      : p.isNonGeographic() || p.countryCallingCode !== planOf(accountCountry).callingCode(),
    highCost: highCostOf(p, country, accountCountry),
    range: type && NOTABLE_TYPES.has(type) ? t(NUMBER_TYPE_KEYS[type]) : null,
  };
}

/**
 * A phone number a person typed (E.164 or national for `country`), validated; E.164 or null. Read
 * by lib/phone/typed.ts readTyped, as callback numbers are: a Mexican, Argentine, Brazilian,
 * Colombian, Chilean, Ecuadorian or Peruvian number in a superseded form is read as the number it
 * denotes (lib/phone/legacy.ts); digits in any script as their ASCII digits (lib/phone/digits.ts);
 * "00" for "+" and a trunk "0" after the country code ("0057 310…", "+34 (0) 91…") as people write them.
 * A number typed as it is dialled at a PBX's extension, outside-line access code first ("9 011 44 20
 * 7946 0958" in the US, "9 0 20 7946 0958" in Great Britain), is read as readDialled reads it (form
 * `pbx`, lib/phone/pbx.ts): only when no other reading gives another number, and only when it is
 * valid (a number someone types is one to call, not a trigger call's destination).
 */
export function parseUserPhone(input: string, country: CountryCode): string | null {
  const number = readTyped(input, country)?.number;
  if (number) return number;
  const pbx = readAs(input, country, 'person');
  return pbx?.form === 'pbx' && pbx.number.isValid() ? pbx.number.number : null;
}
