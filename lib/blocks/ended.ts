import type { LiftedHow } from '@/lib/accounts/block-history';

// How a lifted block ended, as its page says it first (app/blocks/[id]/page.tsx, block.ended): after
// support approved a misdial and the block lifted, the page still read "What probably happened…" and
// gave steps the block no longer needed, with nothing to say support had agreed (tester, 2026-12).
// Pure and isomorphic.

/**
 * How a lifted block ended, in the words a customer is told: `misdial`, support agreed the calls were
 * a misdial (approved a misdial unblock request) and lifted it; `firewall`, support approved an unblock
 * request for a hardened firewall and lifted it; `rotation`, the unblock policy lifted it once every
 * SIP password it named was changed; `support`, support lifted it by hand; `switch`, the switch lifted
 * it by itself; `unknown`, a block lifted before Tollgate kept who lifted it.
 */
export type BlockEnding = 'misdial' | 'firewall' | LiftedHow;

/**
 * BlockEnding of a block lifted as `liftedHow` says (lib/accounts/block-history.ts liftedHow), or null
 * while it is in force (`liftedHow` null). A lift by support is told by the approved unblock request
 * behind it, the latest approved one among `requests` (newest first, as getBlockForUser lists them):
 * an approval lifts the block (lib/requests/decide.ts), and one whose lift a new block withdrew went
 * back to pending. Support's lift with no approved request was made by hand.
 */
export function howBlockEnded(
  liftedHow: LiftedHow | null,
  requests: readonly { kind: 'misdial' | 'firewall'; status: string }[],
): BlockEnding | null {
  if (liftedHow !== 'support') return liftedHow;
  return requests.find((r) => r.status === 'approved')?.kind ?? 'support';
}
