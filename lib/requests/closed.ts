import { storeNote } from '@/lib/i18n/stored';

// A request closed without anyone's decision, because its block was lifted while it waited (the
// lifecycle's closeRequestsOf, or an approval that found the block already lifted): stored as
// `withdrawn` with no `decidedById` and this note, so that it leaves the queue like a withdrawal.
// Pages show it as "Closed without a decision", never as "Withdrawn" (the customer withdrew nothing).
// Pure and isomorphic.

/** UnblockRequest.decisionNote of a request closed by its block's lift (history.closedByLift). */
export const CLOSED_BY_LIFT = storeNote('history.closedByLift');

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
