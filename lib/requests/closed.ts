import { storeNote } from '@/lib/i18n/stored';
import { NO_CLAIM } from './claim-columns';

// A request closed without anyone's decision, because its block was lifted while it waited (the
// lifecycle's closeRequestsOf, or an approval that found the block already lifted): stored as
// `withdrawn` with no `decidedById` and this note, so that it leaves the queue like a withdrawal.
// Pages show it as "Closed without a decision", never as "Withdrawn" (the customer withdrew nothing).
// Pure and isomorphic.

/** UnblockRequest.decisionNote of a request closed by its block's lift (history.closedByLift). */
export const CLOSED_BY_LIFT = storeNote('history.closedByLift');

/**
 * What a request closed by its block's lift is written as, closed at `at`: `withdrawn`, no longer
 * open (`openKey` null), the CLOSED_BY_LIFT note, no `decidedById` (nobody decided), and its claim
 * columns cleared (NO_CLAIM: nobody is calling about it any more; until 2026-12-06 a lift left the
 * agent who had taken it shown as holding a closed request). Written by the lift itself
 * (lib/blocks/lifecycle.ts closeRequestsOf); an approval that finds the block lifted writes the same
 * (lib/requests/decide.ts closeLifted).
 */
export const closedByLift = (at: Date) =>
  ({ status: 'withdrawn', openKey: null, decidedAt: at, decisionNote: CLOSED_BY_LIFT, ...NO_CLAIM }) as const;

/** A request's status as the pages show it. */
export type ShownRequestStatus = 'pending' | 'approved' | 'denied' | 'withdrawn' | 'closed';

/**
 * How pages name a request's status: `closed` for one closed by its block's lift (stored `withdrawn`
 * with the CLOSED_BY_LIFT note), else the stored status (`pending`, `approved`, `denied`, `withdrawn`).
 */
export function shownRequestStatus(r: {
  status: 'pending' | 'approved' | 'denied' | 'withdrawn';
  decisionNote: string | null;
}): ShownRequestStatus {
  return r.status === 'withdrawn' && r.decisionNote === CLOSED_BY_LIFT ? 'closed' : r.status;
}
