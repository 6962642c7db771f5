import 'server-only';
import { accountCountry } from '@/lib/phone/plan';
import { type CallEvidence, type CallSummary, summarizeCalls } from './call-summary';
import { type Likelihood, misdialLikelihood } from './misdial-likelihood';

// The queue and the detail page judge a request from the same evidence, the same way.

type Input = {
  kind: 'misdial' | 'firewall';
  intendedNumber: string | null;
  misdialCallIds: string | null;
  account: { country: string; timeZone: string };
  block: {
    reason: 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
    calls: CallEvidence[];
    /** Every call the block's event listed (stored and not kept), when `calls` is not all of them. */
    callCount?: number;
  };
};

/** The call ids a misdial request marked (its stored JSON array); none for anything else. */
export function markedCalls(json: string | null): string[] {
  try {
    const v: unknown = json ? JSON.parse(json) : [];
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * What the staff pages show of a request's evidence: `summary`, its block's calls summarised (country
 * names in `locale`, BCP 47, default "en"); `likelihood`, the misdial hint; `markedCallIds`, the calls
 * the customer marked as the misdial (the request page labels them in its calls table).
 *
 * Only a misdial request has a hint and marked calls: a firewall request ("we have hardened our
 * firewall") claims no misdial, so its `likelihood` is null and `markedCallIds` empty, and no page,
 * cache or caller can show "Unlikely to be a misdial" for it (tester, staff console: the hint on a
 * firewall request was noise at best and misleading at worst). Its agent checks what the customer
 * confirmed instead (the doors and the office's address: components/staff/request-summary.tsx).
 */
export function judge(r: Input, locale = 'en'): Judged {
  const country = accountCountry(r.account.country);
  const summary = summarizeCalls(r.block.calls, country, locale, r.block.callCount);
  if (r.kind !== 'misdial') return { summary, likelihood: null, markedCallIds: [] };
  const markedCallIds = markedCalls(r.misdialCallIds);
  return {
    summary,
    likelihood: misdialLikelihood({
      accountCountry: country,
      timeZone: r.account.timeZone,
      reason: r.block.reason,
      calls: r.block.calls,
      callCount: r.block.callCount,
      misdialCallIds: markedCallIds,
      intendedNumber: r.intendedNumber,
    }),
    markedCallIds,
  };
}

/** judge's answer: the hint and the marked calls only for a misdial request (null and none otherwise). */
export type Judged = { summary: CallSummary; likelihood: Likelihood | null; markedCallIds: string[] };
