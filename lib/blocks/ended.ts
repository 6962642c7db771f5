import { systemActor } from '@/lib/i18n/actor';
import { readStored } from '@/lib/i18n/stored';

// How a lifted block ended, as its page says it first (app/blocks/[id]/page.tsx, block.ended): after
// support approved a misdial and the block lifted, the page still read "What probably happened…" and
// gave steps the block no longer needed, with nothing to say support had agreed (tester, 2026-12).
// The block page (lib/blocks/queries.ts getBlockForUser) and the account page's block history
// (lib/accounts/block-history.ts) both read how a block was lifted here (liftedHow). Until 2026-12-07
// it was in the history's module, which imports lib/blocks/queries.ts: an import cycle.
// Pure; server side, as lib/i18n/stored.ts readStored is (it reads addresses with node:url).

/**
 * How a lifted block came to be lifted, as a customer may know it (never which agent): `rotation`,
 * the unblock policy lifted it once every SIP password it named was changed; `support`, a support
 * agent lifted it (from the account page, or by approving an unblock request); `switch`, the switch
 * lifted it by itself (its `block.lifted` event); `unknown`, a block lifted before Tollgate kept who
 * lifted it. Every one of them was confirmed by the switch: a block is `lifted` only then.
 */
export type LiftedHow = 'rotation' | 'support' | 'switch' | 'unknown';

/**
 * How a block was lifted (LiftedHow), from what the lifecycle (lib/blocks/lifecycle.ts) recorded:
 * `liftedBy` (Block.liftedBy: `policy`, a staff login's address, or the `actor` of the switch's
 * `block.lifted`, any text the switch sends) and the text of its latest `lifted` timeline entry
 * (`liftNote`): "Lifted on the switch" (history.liftedOnSwitch) for a lift the switch made itself,
 * whoever it names; a lift Tollgate asked for and the switch confirmed says so instead, and its
 * `liftedBy` is who decided it. Pure.
 */
export function liftedHow(liftedBy: string | null, liftNote: string | null): LiftedHow {
  const note = readStored(liftNote);
  if (note !== null && typeof note === 'object' && note.key === 'history.liftedOnSwitch') return 'switch';
  if (liftedBy === null || liftedBy === '') return 'unknown';
  if (liftedBy === 'policy') return 'rotation';
  if (systemActor(liftedBy) === 'switch') return 'switch';
  return 'support';
}

/**
 * How a lifted block ended, in the words a customer is told: `misdial`, support agreed the calls were
 * a misdial (approved a misdial unblock request) and lifted it; `firewall`, support approved an unblock
 * request for a hardened firewall and lifted it; `rotation`, the unblock policy lifted it once every
 * SIP password it named was changed; `support`, support lifted it by hand; `switch`, the switch lifted
 * it by itself; `unknown`, a block lifted before Tollgate kept who lifted it.
 */
export type BlockEnding = 'misdial' | 'firewall' | LiftedHow;

/**
 * BlockEnding of a block lifted as `how` says (liftedHow), or null while it is in force (`how`
 * null). A lift by support is told by the approved unblock request
 * behind it, the latest approved one among `requests` (newest first, as getBlockForUser lists them):
 * an approval lifts the block (lib/requests/decide.ts), and one whose lift a new block withdrew went
 * back to pending. Support's lift with no approved request was made by hand.
 */
export function howBlockEnded(
  how: LiftedHow | null,
  requests: readonly { kind: 'misdial' | 'firewall'; status: string }[],
): BlockEnding | null {
  if (how !== 'support') return how;
  return requests.find((r) => r.status === 'approved')?.kind ?? 'support';
}
