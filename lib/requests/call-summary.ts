import type { CountryCode } from 'libphonenumber-js';
import { describeDialled } from '@/lib/phone/format';
import { intlOf } from '@/lib/i18n/intl-cache';

// Pure: the queue's one-line summary of a block's trigger calls. No server-only: tests call it directly.

export type CallEvidence = {
  id?: string;
  at: Date;
  to: string;
  durationSec: number;
  sipUsername: string;
  sourceIp: string;
};

export type CallSummary = {
  count: number;
  /** Destination country names in the reader's locale, most frequent first; `null` stands for unparseable numbers (pages say "unknown" in the reader's language). */
  countries: (string | null)[];
  first: Date | null;
  last: Date | null;
  /** Seconds between the first and the last call. */
  spanSec: number;
};

/**
 * How many trigger calls, to which countries (named in `locale`, a BCP 47 tag, default "en", by
 * Intl.DisplayNames), over which time span, for an account in `accountCountry`. `count`: how many
 * calls the block's event listed, when `calls` holds only some of them (default `calls.length`).
 */
export function summarizeCalls(
  calls: CallEvidence[],
  accountCountry: CountryCode,
  locale = 'en',
  count = calls.length,
): CallSummary {
  const tally = new Map<string | null, number>();
  for (const c of calls) {
    const name = describeDialled(c.to, accountCountry, locale).countryName ?? null;
    tally.set(name, (tally.get(name) ?? 0) + 1);
  }
  const times = calls.map((c) => c.at.getTime());
  const first = times.length ? Math.min(...times) : null;
  const last = times.length ? Math.max(...times) : null;
  return {
    count,
    countries: [...tally.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] ?? '\uffff').localeCompare(b[0] ?? '\uffff'))
      .map(([n]) => n),
    first: first === null ? null : new Date(first),
    last: last === null ? null : new Date(last),
    spanSec: first === null || last === null ? 0 : Math.round((last - first) / 1000),
  };
}

// Making an Intl.NumberFormat costs about 70 µs, formatting with one about 2 µs: the staff queue
// formats two or three spans for each of its 100 requests, so each (locale, unit) is made once per
// process (intlOf).
function unit(value: number, u: 'second' | 'minute' | 'hour' | 'day', locale: string): string {
  return intlOf(Intl.NumberFormat, locale, {
    style: 'unit',
    unit: u,
    unitDisplay: u === 'day' ? 'long' : 'short',
  }).format(value);
}

/**
 * A time span as a person says it, in the reader's locale (Intl.NumberFormat unit style):
 * en "41 sec", "4 min", "2 hr 5 min", "3 days"; es "41 s", "4 min", "2 h 5 min", "3 días".
 * `sec` is whole seconds (>= 0); `locale` a BCP 47 tag, default "en". From a minute on, the span is
 * rounded to whole minutes first and then split, so that no part says 60: 3570 s is "1 hr", 7170 s
 * "2 hr", 86 370 s "1 day" (rounding the minutes left after the hours gave "60 min", "1 hr 60 min").
 */
export function formatSpan(sec: number, locale = 'en'): string {
  if (sec < 60) return unit(sec, 'second', locale);
  const minutes = Math.round(sec / 60);
  if (minutes < 60) return unit(minutes, 'minute', locale);
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m ? `${unit(h, 'hour', locale)} ${unit(m, 'minute', locale)}` : unit(h, 'hour', locale);
  }
  return unit(Math.round(sec / 86_400), 'day', locale);
}

/**
 * How long a call lasted, exactly, as a person says it in the reader's `locale` (a BCP 47 tag):
 * hours, minutes and seconds in words (Intl.NumberFormat unit style, long), joined as that language
 * joins units (Intl.ListFormat type "unit"; CLDR): es "1 hora, 2 minutos y 5 segundos", en "1 hour,
 * 2 minutes, 5 seconds"; "4 segundos", "0 seconds". Units that are zero are left out. A switch's
 * duration in seconds read as one number ("3.725 segundos", "3,725 seconds") was right but no one
 * counts a call that way. `sec`: whole seconds >= 0 (anything else is rounded, negatives read as 0).
 * Intl.DurationFormat (ECMA-402 2025) would say the same; Node 20 does not have it.
 */
export function formatCallDuration(sec: number, locale = 'en'): string {
  const total = Math.max(0, Math.round(sec));
  const parts: [number, 'hour' | 'minute' | 'second'][] = [
    [Math.floor(total / 3600), 'hour'],
    [Math.floor((total % 3600) / 60), 'minute'],
    [total % 60, 'second'],
  ];
  const said = parts
    .filter(([n]) => n > 0)
    .map(([n, u]) =>
      intlOf(Intl.NumberFormat, locale, { style: 'unit', unit: u, unitDisplay: 'long' }).format(n),
    );
  if (!said.length)
    said.push(
      intlOf(Intl.NumberFormat, locale, { style: 'unit', unit: 'second', unitDisplay: 'long' }).format(0),
    );
  return intlOf(Intl.ListFormat, locale, { type: 'unit', style: 'long' }).format(said);
}
