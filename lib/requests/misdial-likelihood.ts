import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ipCountry } from '@/lib/geo/ip-country';
import { countryName, describeDialled } from '@/lib/phone/format';
import { type CallEvidence, formatCallDuration } from './call-summary';
import { trunkPrefixOf } from '@/lib/phone/plan';
import type { Note } from '@/lib/i18n/note';
import { formatClockWithOffset, localClock, zoneName } from '@/lib/time/format';
import { asNationalNumber, digitDistance, internationalDigits, slipDigits, slipPrefix } from './dialling';

// Pure: how likely a block is a misdial, from the block's own evidence, with every point explained
// in a sentence an agent can read out on the callback. A hint for a person, never a decision.
// Sentences are notes (keys under staff.hint.*), worded in the agent's language where shown
// (signalNote): numbers and durations through ICU, country names and clock times through Intl.

export type LikelihoodInput = {
  /** ISO 3166-1 alpha-2 of the account: how its people dial national numbers. */
  accountCountry: CountryCode;
  /** IANA time zone of the account: what "office hours" means. */
  timeZone: string;
  reason: 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
  calls: CallEvidence[];
  /**
   * How many calls the block's event listed, when `calls` holds only some of them (the queue reads a
   * block's first 200 and the marked ones; a block keeps at most 10 000 and counts the rest): the
   * attempts rule counts these. Default: `calls.length`.
   */
  callCount?: number;
  /** Calls the customer marked as the misdial; the digit rules look at these (else at every call). */
  misdialCallIds?: string[] | null;
  /** E.164 number the customer says they meant to dial. */
  intendedNumber?: string | null;
};

/**
 * A value only the reader's language can write: a region (ISO 3166-1 alpha-2, named by
 * Intl.DisplayNames), a moment as a weekday, a 24-hour time and the zone's offset then (epoch ms) on
 * the clock of `timeZone` ("dom, 01:30 GMT-7": the hour repeated when the clocks go back reads as
 * two moments, lib/time/format.ts formatClockWithOffset),
 * a time zone (IANA id, named by place: lib/time/format.ts zoneName), or a call's duration (whole
 * seconds, said in hours, minutes and seconds: lib/requests/call-summary.ts formatCallDuration).
 */
export type LocalValue =
  { region: string } | { clock: number; timeZone: string } | { zone: string } | { durationSec: number };

/**
 * One piece of evidence: `key` (stable, for tests and React), `weight` (+ for a misdial, − against),
 * `note` (staff.hint.signal.*) whose values named in `local` are filled in by signalNote.
 */
export type Signal = { key: string; weight: number; note: Note; local?: Record<string, LocalValue> };
export type Likelihood = {
  level: 'likely' | 'possible' | 'unlikely';
  score: number;
  /** staff.hint.level.<level>. */
  headline: Note;
  signals: Signal[];
};

const signal = (
  key: string,
  weight: number,
  sentence: string,
  values?: Note['values'],
  local?: Record<string, LocalValue>,
): Signal => ({
  key,
  weight,
  note: { key: `staff.hint.signal.${sentence}`, ...(values ? { values } : {}) },
  ...(local ? { local } : {}),
});

/**
 * A signal's note ready for noteText: its local values written for `locale` (a BCP 47 tag such as
 * lib/i18n/locales.ts INTL_TAGS[locale]): country names by Intl.DisplayNames, clock times with their
 * offset by Intl.DateTimeFormat (formatClockWithOffset), durations by formatCallDuration.
 */
export function signalNote(s: Signal, locale: string): Note {
  if (!s.local) return s.note;
  const values = { ...s.note.values };
  for (const [name, v] of Object.entries(s.local))
    values[name] =
      'region' in v
        ? countryName(v.region, locale)
        : 'zone' in v
          ? zoneName(v.zone, locale)
          : 'durationSec' in v
            ? formatCallDuration(v.durationSec, locale)
            : formatClockWithOffset(new Date(v.clock), v.timeZone, locale);
  return { ...s.note, values };
}

export function misdialLikelihood(input: LikelihoodInput): Likelihood {
  const marked = input.calls.filter((c) => c.id && input.misdialCallIds?.includes(c.id));
  const focus = marked.length ? marked : input.calls;
  const signals = [
    attempts(input.callCount ?? input.calls.length),
    durations(input.calls),
    credentials(input.calls),
    officeHours(input.calls, input.timeZone),
    trunkPrefix(focus, input.accountCountry),
    similarity(focus, input.intendedNumber ?? null, input.accountCountry),
    blockReason(input.reason),
    sourceAbroad(input.calls, input.accountCountry, input.reason),
  ].filter((s): s is Signal => s !== null);
  const score = signals.reduce((sum, s) => sum + s.weight, 0);
  const level = score >= 4 ? 'likely' : score >= 1 ? 'possible' : 'unlikely';
  // Strongest evidence first, whichever way it points.
  signals.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return { level, score, headline: { key: `staff.hint.level.${level}` }, signals };
}

function attempts(n: number): Signal | null {
  if (n === 0) return null;
  if (n <= 2) return signal('few_attempts', 1, 'fewAttempts', { count: n });
  if (n >= 5) return signal('many_attempts', -2, 'manyAttempts', { count: n });
  return null;
}

function durations(calls: CallEvidence[]): Signal | null {
  if (calls.length === 0) return null;
  const longest = Math.max(...calls.map((c) => c.durationSec));
  if (longest <= 10)
    return longest === 0
      ? signal('short_calls', 1, 'noAnswer')
      : signal('short_calls', 1, 'shortCalls', { seconds: longest });
  if (longest >= 60)
    return signal('long_call', -2, 'longCall', undefined, { duration: { durationSec: longest } });
  return null;
}

function credentials(calls: CallEvidence[]): Signal | null {
  const names = [...new Set(calls.map((c) => c.sipUsername))];
  if (names.length === 1) return signal('one_credential', 1, 'oneCredential', { username: names[0]! });
  if (names.length > 1)
    return signal('many_credentials', -1, 'manyCredentials', {
      count: names.length,
      usernames: names.join(', '),
    });
  return null;
}

function officeHours(calls: CallEvidence[], timeZone: string): Signal | null {
  const times = calls.map((c) => localClock(c.at, timeZone));
  if (times.length === 0 || times.some((t) => t === null)) return null;
  const weekend = (d: string) => d === 'Sat' || d === 'Sun';
  const inOffice = times.every((t) => t!.withinBusinessHours);
  if (inOffice) return signal('office_hours', 1, 'officeHours', {}, { timeZone: { zone: timeZone } });
  const odd = times.findIndex((t) => weekend(t!.weekday) || t!.hour < 7 || t!.hour >= 20);
  if (odd >= 0)
    return signal(
      'outside_hours',
      -1,
      'outsideHours',
      {},
      { clock: { clock: calls[odd]!.at.getTime(), timeZone }, timeZone: { zone: timeZone } },
    );
  return null;
}

function trunkPrefix(calls: CallEvidence[], country: CountryCode): Signal | null {
  for (const c of calls) {
    const national = asNationalNumber(c.to, country);
    if (!national) continue;
    const idd = slipPrefix(c.to, country);
    const trunk = trunkPrefixOf(country);
    return signal(
      'trunk_prefix',
      3,
      'trunkPrefix',
      {
        idd,
        // Grouped as the national number beside it (the block page's hint writes them the same way).
        digits: slipDigits(internationalDigits(c.to, country) ?? '', national),
        trunk: trunk || 'none',
        national,
      },
      { country: { region: country } },
    );
  }
  return null;
}

/**
 * Whether the number the customer meant is the dialled one with a slip (docs/staff-console.md, "The
 * misdial hint"): at most 2 digits different, or ¾ of them shared; between two country codes (the
 * dialled number's and the meant one's) only the prefix slips count, each within 2 digits: the meant
 * national number after the international prefix ("00 + national number": +44 20 7946 0000 dialled
 * as 00 20 7946 0000), or the meant number with its country code mistyped (+234 801… as +252 801…).
 * A shared tail alone says nothing across countries: +57 321 123 4567 and +252 61 123 4567 share ¾
 * of their digits by chance (break 25). Fewer than half shared counts against.
 */
function similarity(calls: CallEvidence[], intended: string | null, country: CountryCode): Signal | null {
  const meant = intended ? parsePhoneNumberFromString(intended, country) : undefined;
  if (!meant) return null;
  // Compare with the number as written internationally and as its national digits (the 0044… vs 044… slips).
  const forms = [
    meant.number.slice(1),
    meant.nationalNumber as string,
    `${trunkPrefixOf(meant.country ?? country)}${meant.nationalNumber}`,
  ];
  type Match = { distance: number; length: number; to: string; similar: boolean };
  let best: Match | null = null;
  let closest: Match | null = null;
  for (const c of calls) {
    // The same call reads the same whichever prefix the switch wrote (+, 00, 011, 0011, 810, none).
    const digits = internationalDigits(c.to, country) ?? describeDialled(c.to, country).e164?.slice(1);
    if (!digits) continue;
    const sameCode =
      parsePhoneNumberFromString(`+${digits}`)?.countryCallingCode === meant.countryCallingCode;
    for (const f of forms) {
      const distance = digitDistance(digits, f);
      const length = Math.max(digits.length, f.length);
      const similar = distance <= 2 || (sameCode && (length - distance) / length >= 0.75);
      const m = { distance, length, to: c.to, similar };
      if (similar && (!best || distance < best.distance)) best = m;
      if (!closest || distance < closest.distance) closest = m;
    }
  }
  const meantText = meant.formatInternational();
  if (best) {
    const dialled = describeDialled(best.to, country).display;
    return best.distance === 0
      ? signal('similar_digits', 2, 'sameDigits', { meant: meantText, dialled })
      : signal('similar_digits', 2, 'similarDigits', { meant: meantText, dialled, distance: best.distance });
  }
  if (closest && (closest.length - closest.distance) / closest.length < 0.5) {
    const dialled = describeDialled(closest.to, country).display;
    return signal('different_digits', -1, 'differentDigits', { meant: meantText, dialled });
  }
  return null;
}

/**
 * A call from an address registered in another country than the account's (lib/geo/ip-country.ts):
 * a person mistyping a prefix at the office does not dial from abroad, so it counts against a misdial,
 * as a hotspot does (the hotspot block's own signal already says where the calls came from, so not
 * twice). A tester's calls from Germany on a US account read "Possibly a misdial", nothing naming
 * where they came from (2026-12). The first such country named; unknown, private and documentation
 * addresses never count.
 */
function sourceAbroad(
  calls: CallEvidence[],
  accountCountry: CountryCode,
  reason: LikelihoodInput['reason'],
): Signal | null {
  if (reason === 'hotspot_source_ip') return null;
  for (const c of calls) {
    const country = ipCountry(c.sourceIp);
    if (country && country !== accountCountry)
      return signal('source_abroad', -2, 'sourceAbroad', undefined, {
        country: { region: country },
        home: { region: accountCountry },
      });
  }
  return null;
}

function blockReason(reason: LikelihoodInput['reason']): Signal | null {
  if (reason === 'hotspot_source_ip') return signal('hotspot_ip', -2, 'hotspotIp');
  if (reason === 'suspicious_pattern') return signal('pattern', -1, 'pattern');
  return null;
}
