import type { CountryCode } from 'libphonenumber-js/max';
import type { Note } from '@/lib/i18n/note';
import { asciiDigits } from './digits';
import { type DialledNumber, describeDialled, dialledCandidates, exampleNumber } from './format';
import { readTyped } from './typed';
import { writtenNumber } from './written';

// Pure: whether support may call a number back. Support must never place the fraud call itself: a
// "callback number" in the block's own destinations or in a premium, satellite or international-network
// range would do exactly that. No server-only: unit tests call it directly.

export type CallbackCheck =
  /**
   * `stored`: the number as Tollgate keeps it (callbackNumber's form: E.164, plus `;ext=21` when the
   * person gave an extension); `e164` the number alone, `ext` the extension's digits or null.
   */
  | { ok: true; stored: string; e164: string; ext: string | null }
  /** note: the reason (catalogue outcome.callback.*), country names already in the reader's `locale`. */
  | { ok: false; reason: 'invalid' | 'high_cost' | 'block_destination'; note: Note };

/**
 * Reads a callback number typed by a person in `accountCountry` (E.164 or national) and refuses it
 * when it is invalid, in a high-cost range (lib/phone/format.ts HighCost: premium rate, international
 * networks +882/+883, satellite +870/+881, and from an account in the NANP a NANP number outside the
 * US and Canada but for the US territories from the US: lib/phone/format.ts US_RATE_INTEGRATED; from
 * Spain or Latin America a +1 809 number is an international call like any other) or in one of
 * `blockDestinations` (the destinations of the block's trigger calls, as switch-written numbers;
 * one the block page cannot read counts as every number any of its forms gives, valid or not:
 * lib/phone/format.ts dialledCandidates; one whose region its digits do not say, as every region of
 * its calling code). A destination the page reads is refused as one the block stopped
 * (outcome.callback.blockDestination), one it cannot read as one a call may have gone to
 * (outcome.callback.blockMaybeDestination, since 2026-12-06; before, a number in the country of an
 * unreadable call no form named was accepted).
 * `locale` (BCP 47, default "en") is the language of the reader of the note: it names the countries.
 */
export function checkCallbackNumber(
  input: string,
  accountCountry: CountryCode,
  blockDestinations: string[] = [],
  locale = 'en',
): CallbackCheck {
  const read = readCallback(input, accountCountry);
  // The example shows what "whole number" means where the reader lives: an Argentine who typed
  // "15-2345-6789" sees that the area code goes first (011 15-2345-6789).
  if (!read)
    return {
      ok: false,
      reason: 'invalid',
      note: {
        key: 'outcome.callback.invalid',
        values: { example: exampleNumber(accountCountry, 'national') },
      },
    };
  const { e164, ext } = read;
  const d = describeDialled(e164, accountCountry, locale);
  /** A refusal naming the number as the reader would dial it and its country (a name or a note). */
  const refuse = (reason: 'high_cost' | 'block_destination', key: string, country: string | Note) =>
    ({ ok: false, reason, note: { key, values: { number: d.display, country } } }) as const;
  if (d.highCost)
    return refuse(
      'high_cost',
      'outcome.callback.highCost',
      d.countryName ?? { key: 'outcome.callback.noCountry' },
    );
  // A destination the portal cannot read with certainty ("5152795494" from the US: Iowa, or Peru
  // without its "+"; "9 1 876 234 5678": Jamaica through a PBX, or India; "005391234567" from the
  // US, where "00" is no international prefix: Cuba, outside its valid ranges) counts as each number
  // any of its forms gives: the call may have gone to any (issue 14), and a check that let a number
  // through because its destination was unreadable would fail open. A number outside the valid
  // ranges after the account country's own international prefix counts as its country, as after
  // "+" does ("005391234567" from Spain is Cuba: lib/phone/format.ts readDialled).
  const destinations = blockDestinations.flatMap((to) => {
    const read = describeDialled(to, accountCountry, locale);
    if (read.e164) return [{ read, certain: true }];
    return dialledCandidates(to, accountCountry).map((p) => ({
      read: describeDialled(p.number, accountCountry, locale),
      certain: false,
    }));
  });
  const same = d.international ? destinations.find(({ read }) => sameDestination(read, d)) : undefined;
  if (same) {
    const country = same.read.countryName ?? { key: 'outcome.callback.aDestination' };
    // Said as a possibility where the block page shows the call as "a number we could not read".
    const key = same.certain ? 'outcome.callback.blockDestination' : 'outcome.callback.blockMaybeDestination';
    return refuse('block_destination', key, country);
  }
  return { ok: true, stored: ext ? `${e164};ext=${ext}` : e164, e164, ext };
}

/**
 * Whether the callback number `callback` is in the destination `destination` (both as describeDialled
 * reads them): the same region; or, where the destination has none (a number outside the valid
 * ranges of a calling code several regions share: "+61 2345678" may be Australia's, Christmas
 * Island's or the Cocos Islands'; "+1 152 345 6789"), the same calling code, since the call may have
 * gone to any region of that code; only when the destination is a possible number (a length its
 * calling code allows: not "+1 12345678", which no region of +1 can be), since 2026-12-06.
 */
function sameDestination(destination: DialledNumber, callback: DialledNumber): boolean {
  if (destination.country !== null) return destination.country === callback.country;
  const number = destination.e164 ? writtenNumber(destination.e164) : undefined;
  const code = callback.e164 ? writtenNumber(callback.e164)?.countryCallingCode : undefined;
  return !!number?.isPossible() && number.countryCallingCode === code;
}

/**
 * A callback number typed by a person (E.164 or national for `country`, with or without an extension
 * in any form libphonenumber-js reads: "ext. 21", "x 44", "#21", RFC 3966 ";ext=21"), or a stored one:
 * the number in E.164 and the extension's digits in ASCII (or null); null when the number is not
 * valid. Digits in any script (every Unicode decimal digit: full-width "２１", Arabic-Indic "٢١",
 * Devanagari "२१", Bengali "২১", Thai "๒๑"…) count as their ASCII digits, in the extension too
 * (lib/phone/digits.ts: libphonenumber-js reads only the first two and drops an extension in any
 * other), so the stored `;ext=` is RFC 3966. A Mexican, Argentine, Brazilian, Colombian, Chilean,
 * Ecuadorian or Peruvian number in a superseded form ("+52 1 55…", "044 55…", "01 55…", "02 55…",
 * "+54 9 11 15…", the eight-digit mobile "+55 11 8765-4321", the fixed line "+57 1 234 5678",
 * Chile's "+56 2 123 4567", "09 8123 4567", "(022) 123 4567" and "123 2 123 4567" (a carrier's
 * code), Ecuador's "08 813 5555", Peru's "(01) 9123-4567", "(084) 912 3456" and "+51 84 984 123
 * 456") is read as the number it denotes (lib/phone/legacy.ts). "00" for "+" where the country's
 * own prefix is a carrier's ("0057 310…" from Colombia), a trunk "0" after the country code ("+34 (0)
 * 91…") and "interno" before an extension are read too (lib/phone/typed.ts readTyped); two readings
 * that give two numbers, neither in `country`, are not ("0091 81234 56789" from Colombia).
 */
export function readCallback(
  input: string,
  country: CountryCode,
): { e164: string; ext: string | null } | null {
  const p = readTyped(input, country);
  return p ? { e164: p.number, ext: p.ext ?? null } : null;
}

/**
 * A stored callback number (see CallbackCheck `stored`) as a person reads it: the international
 * format of the number, then "ext. 21" (libphonenumber-js's word, the same abbreviation in English and
 * Spanish). An unreadable value is shown as it came.
 */
export function callbackDisplay(stored: string, accountCountry: CountryCode): string {
  const read = readCallback(stored, accountCountry);
  if (!read) return stored;
  const number = describeDialled(read.e164, accountCountry).display;
  return read.ext ? `${number} ext. ${read.ext}` : number;
}

/**
 * A stored callback number as a `tel:` URI (RFC 3966: the stored form is already `+E164;ext=…`). An
 * extension stored before its digits were made ASCII (2026-12-01: "２１") is dialled as ASCII digits.
 */
export const callbackTel = (stored: string): string =>
  `tel:${stored.replace(/;ext=([^;]*)/, (_, ext: string) => `;ext=${asciiDigits(ext)}`)}`;

/** Where a callback number came from, for the agent: on file for the account, or typed by the requester. */
export type CallbackSource = 'on_file' | 'typed';

/** A stored callback number without its RFC 3966 parameters (`;ext=21`): the E.164 number alone. */
const numberPart = (stored: string) => stored.split(';')[0]!;

/**
 * 'on_file' when `callback` (as stored) is the account's number on file, else 'typed'. The E.164
 * numbers are compared, not the extensions: the line is what makes a number the account's (the trust
 * the label gives), and numbers stored before extensions were kept (2026-12-01) have none.
 */
export function callbackSource(callback: string, onFile: string | null | undefined): CallbackSource {
  return onFile && numberPart(onFile) === numberPart(callback) ? 'on_file' : 'typed';
}

/** What an agent sees of a callback number: where it came from, the number on file, and whether it is safe to call. */
export type CallbackForAgent = {
  source: CallbackSource;
  /** The account's number on file (E.164), or null. */
  onFile: string | null;
  /** False when checkCallbackNumber refuses it today; `warning` then says why. */
  safe: boolean;
  warning: Note | null;
};

/**
 * The agent's view of `callback` (as stored: E.164, with `;ext=…` when it has one): checked again at display time with
 * checkCallbackNumber (numbers stored before a rule, or that became high-risk), compared with the
 * account's number on file `onFile`. Arguments as for checkCallbackNumber.
 */
export function callbackForAgent(
  callback: string,
  onFile: string | null | undefined,
  accountCountry: CountryCode,
  blockDestinations: string[] = [],
  locale = 'en',
): CallbackForAgent {
  const check = checkCallbackNumber(callback, accountCountry, blockDestinations, locale);
  return {
    source: callbackSource(callback, onFile),
    onFile: onFile ?? null,
    safe: check.ok,
    warning: check.ok ? null : check.note,
  };
}
