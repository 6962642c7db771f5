import { type CountryCode, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { countryName, describeDialled } from '@/lib/phone/format';
import type { CallEvidence } from './call-summary';
import { iddOf, planOf } from '@/lib/phone/plan';
import { localClock } from '@/lib/time/format';
import { asNationalNumber, digitDistance, internationalDigits } from './dialling';

// Pure: how likely a block is a misdial, from the block's own evidence, with every point explained
// in a sentence an agent can read out on the callback. A hint for a person, never a decision.

export type LikelihoodInput = {
  /** ISO 3166-1 alpha-2 of the account: how its people dial national numbers. */
  accountCountry: CountryCode;
  /** IANA time zone of the account: what "office hours" means. */
  timeZone: string;
  reason: 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
  calls: CallEvidence[];
  /** Calls the customer marked as the misdial; the digit rules look at these (else at every call). */
  misdialCallIds?: string[] | null;
  /** E.164 number the customer says they meant to dial. */
  intendedNumber?: string | null;
};

export type Signal = { key: string; weight: number; text: string };
export type Likelihood = {
  level: 'likely' | 'possible' | 'unlikely';
  score: number;
  headline: string;
  signals: Signal[];
};

const HEADLINE = {
  likely: 'Likely a misdial',
  possible: 'Possibly a misdial',
  unlikely: 'Unlikely to be a misdial',
} as const;

export function misdialLikelihood(input: LikelihoodInput): Likelihood {
  const marked = input.calls.filter((c) => c.id && input.misdialCallIds?.includes(c.id));
  const focus = marked.length ? marked : input.calls;
  const signals = [
    attempts(input.calls),
    durations(input.calls),
    credentials(input.calls),
    officeHours(input.calls, input.timeZone),
    trunkPrefix(focus, input.accountCountry),
    similarity(focus, input.intendedNumber ?? null, input.accountCountry),
    blockReason(input.reason),
  ].filter((s): s is Signal => s !== null);
  const score = signals.reduce((sum, s) => sum + s.weight, 0);
  const level = score >= 4 ? 'likely' : score >= 1 ? 'possible' : 'unlikely';
  // Strongest evidence first, whichever way it points.
  signals.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  return { level, score, headline: HEADLINE[level], signals };
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

function attempts(calls: CallEvidence[]): Signal | null {
  const n = calls.length;
  if (n === 0) return null;
  if (n <= 2)
    return {
      key: 'few_attempts',
      weight: 1,
      text: `Only ${plural(n, 'call')}: a person who mistypes a number usually notices after a try or two.`,
    };
  if (n >= 5)
    return {
      key: 'many_attempts',
      weight: -2,
      text: `${n} calls in the burst: fraud tools dial many numbers one after another.`,
    };
  return null;
}

function durations(calls: CallEvidence[]): Signal | null {
  if (calls.length === 0) return null;
  const longest = Math.max(...calls.map((c) => c.durationSec));
  if (longest <= 10)
    return {
      key: 'short_calls',
      weight: 1,
      text:
        longest === 0
          ? 'No call was answered.'
          : `Every call lasted ${longest} seconds or less: someone hung up on a wrong number.`,
    };
  if (longest >= 60)
    return {
      key: 'long_call',
      weight: -2,
      text: `One call lasted ${longest} seconds: someone stayed on the line, which a misdial rarely explains.`,
    };
  return null;
}

function credentials(calls: CallEvidence[]): Signal | null {
  const names = [...new Set(calls.map((c) => c.sipUsername))];
  if (names.length === 1)
    return {
      key: 'one_credential',
      weight: 1,
      text: `All calls went through one SIP credential (${names[0]}), as from one person at one phone.`,
    };
  if (names.length > 1)
    return {
      key: 'many_credentials',
      weight: -1,
      text: `Calls went through ${names.length} SIP credentials (${names.join(', ')}): one person at one phone uses one.`,
    };
  return null;
}

function officeHours(calls: CallEvidence[], timeZone: string): Signal | null {
  const times = calls.map((c) => localClock(c.at, timeZone));
  if (times.length === 0 || times.some((t) => t === null)) return null;
  const weekend = (d: string) => d === 'Sat' || d === 'Sun';
  const inOffice = times.every((t) => t!.withinBusinessHours);
  if (inOffice)
    return {
      key: 'office_hours',
      weight: 1,
      text: `All calls were made during office hours (Monday to Friday, 8:00–18:00 in ${timeZone}).`,
    };
  const odd = times.find((t) => weekend(t!.weekday) || t!.hour < 7 || t!.hour >= 20);
  if (odd)
    return {
      key: 'outside_hours',
      weight: -1,
      text: `A call was made at ${odd.label} (${timeZone}), when an office is usually empty.`,
    };
  return null;
}

function trunkPrefix(calls: CallEvidence[], country: CountryCode): Signal | null {
  for (const c of calls) {
    const national = asNationalNumber(c.to, country);
    if (!national) continue;
    const idd = iddOf(country);
    const trunk = planOf(country).nationalPrefix();
    return {
      key: 'trunk_prefix',
      weight: 3,
      text: `Dialled ${idd} ${internationalDigits(c.to, country)}; with the international prefix ${idd} read as the trunk prefix${trunk ? ` ${trunk}` : ''}, that is ${national}, a valid number in ${countryName(country)}.`,
    };
  }
  return null;
}

function similarity(calls: CallEvidence[], intended: string | null, country: CountryCode): Signal | null {
  const meant = intended ? parsePhoneNumberFromString(intended, country) : undefined;
  if (!meant) return null;
  // Compare with the number as written internationally and as its national digits (the 0044… vs 044… slips).
  const forms = [
    meant.number.slice(1),
    meant.nationalNumber as string,
    `${planOf(meant.country ?? country).nationalPrefix() ?? ''}${meant.nationalNumber}`,
  ];
  let best: { distance: number; length: number; to: string } | null = null;
  for (const c of calls) {
    // The same call reads the same whichever prefix the switch wrote (+, 00, 011, 0011, 810, none).
    const digits = internationalDigits(c.to, country) ?? describeDialled(c.to, country).e164?.slice(1);
    if (!digits) continue;
    for (const f of forms) {
      const d = digitDistance(digits, f);
      if (!best || d < best.distance)
        best = { distance: d, length: Math.max(digits.length, f.length), to: c.to };
    }
  }
  if (!best) return null;
  const shared = best.length - best.distance;
  const dialled = describeDialled(best.to, country).display;
  const meantText = meant.formatInternational();
  if (best.distance <= 2 || shared / best.length >= 0.75) {
    return {
      key: 'similar_digits',
      weight: 2,
      text:
        best.distance === 0
          ? `The number they meant (${meantText}) has the same digits as the dialled ${dialled}, with a different prefix.`
          : `The number they meant (${meantText}) differs from the dialled ${dialled} in only ${plural(best.distance, 'digit')}.`,
    };
  }
  if (shared / best.length < 0.5)
    return {
      key: 'different_digits',
      weight: -1,
      text: `The number they meant (${meantText}) shares few digits with the dialled ${dialled}.`,
    };
  return null;
}

function blockReason(reason: LikelihoodInput['reason']): Signal | null {
  if (reason === 'hotspot_source_ip')
    return {
      key: 'hotspot_ip',
      weight: -2,
      text: 'The calls came from an internet address in a known fraud hotspot, which a misdial does not explain.',
    };
  if (reason === 'suspicious_pattern')
    return {
      key: 'pattern',
      weight: -1,
      text: 'The switch saw a calling pattern typical of someone testing a stolen password.',
    };
  return null;
}
