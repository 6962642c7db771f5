import 'server-only';
import { accountCountry } from '@/lib/phone/plan';
import { type CallEvidence, summarizeCalls } from './call-summary';
import { misdialLikelihood } from './misdial-likelihood';

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

/** The call summary (country names in `locale`, BCP 47, default "en") and the misdial hint of a request. */
export function judge(r: Input, locale = 'en') {
  const country = accountCountry(r.account.country);
  return {
    summary: summarizeCalls(r.block.calls, country, locale, r.block.callCount),
    likelihood: misdialLikelihood({
      accountCountry: country,
      timeZone: r.account.timeZone,
      reason: r.block.reason,
      calls: r.block.calls,
      callCount: r.block.callCount,
      misdialCallIds: markedCalls(r.misdialCallIds),
      intendedNumber: r.kind === 'misdial' ? r.intendedNumber : null,
    }),
    markedCallIds: markedCalls(r.misdialCallIds),
  };
}
