import type { CountryCode } from 'libphonenumber-js';
import { describeDialled } from '@/lib/phone/format';

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
  /** Destination country names, most frequent first; unparseable numbers count as "Unknown". */
  countries: string[];
  first: Date | null;
  last: Date | null;
  /** Seconds between the first and the last call. */
  spanSec: number;
};

export function summarizeCalls(calls: CallEvidence[], accountCountry: CountryCode): CallSummary {
  const tally = new Map<string, number>();
  for (const c of calls) {
    const name = describeDialled(c.to, accountCountry).countryName ?? 'Unknown';
    tally.set(name, (tally.get(name) ?? 0) + 1);
  }
  const times = calls.map((c) => c.at.getTime());
  const first = times.length ? Math.min(...times) : null;
  const last = times.length ? Math.max(...times) : null;
  return {
    count: calls.length,
    countries: [...tally.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([n]) => n),
    first: first === null ? null : new Date(first),
    last: last === null ? null : new Date(last),
    spanSec: first === null || last === null ? 0 : Math.round((last - first) / 1000),
  };
}

/** "12 s", "4 min", "2 h 5 min", "3 days": a time span as a person says it. */
export function formatSpan(sec: number): string {
  if (sec < 60) return `${sec} s`;
  if (sec < 3600) return `${Math.round(sec / 60)} min`;
  if (sec < 86_400) {
    const h = Math.floor(sec / 3600);
    const m = Math.round((sec % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  const d = Math.round(sec / 86_400);
  return `${d} ${d === 1 ? 'day' : 'days'}`;
}
