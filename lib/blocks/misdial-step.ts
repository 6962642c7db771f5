import type { BlockReason } from '@/lib/generated/sqlite/enums';

// The one rule for suggesting a misdial, read by the block page's explanation
// (components/block/explanation.tsx) and the block notice (lib/mail/templates/block-notice.ts). The
// notice once suggested it for every reason but `manual`, while the page did only for high-risk
// destinations: a customer whose `hotspot_source_ip` block read "the calls came from an internet
// address in a known fraud hotspot, not from your office" on the page followed the mail's "If someone
// meant to dial the national number… choose 'This was a misdial'", and support denied the request as
// against the evidence (tester, 2026-12). Pure and isomorphic.

/**
 * Whether the customer is told that the block's calls may have been a misdial (and how to say so),
 * from the block's `reason` and how many calls it stores (`callCount`, ≥ 0). Only for a block on calls
 * to high-risk destinations that has calls to name: a mistyped prefix explains where a call went,
 * never where it came from (`hotspot_source_ip`), nor a pattern of calls testing a password
 * (`suspicious_pattern`); `manual` is support's own block. The page adds its own conditions of the
 * moment (the block in force, no request pending); the notice is written as the block comes.
 */
export function suggestsMisdial(block: { reason: BlockReason; callCount: number }): boolean {
  return block.reason === 'high_risk_destination' && block.callCount > 0;
}
