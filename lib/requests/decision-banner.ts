import type { ShownRequestStatus } from './closed';

/** The banners of the staff request page after a decision (messages: `staff.requestPage.done.*`). */
export type DecisionBanner = 'approved' | 'denied' | 'closed' | 'liftUndone';

/**
 * Which banner the staff request page shows for its `?done=` (set by the decision's redirect,
 * lib/requests/actions.ts), checked against the request as it is now, so that a reload, the page's
 * auto-refresh or an old link never says more than the database has:
 * - `approved`, `denied`, `closed`: the request still has that status, and for a decision this agent
 *   made it (`decidedByMe`);
 * - `liftUndone`: the agent approved, and the request is pending again, because the switch refused
 *   the lift or a new block withdrew it (lib/blocks/lifecycle.ts reopenApprovals);
 * - null otherwise, or for an unknown `done` (the status line says where the request stands).
 */
export function decisionBanner(
  done: string | string[] | undefined,
  now: { status: ShownRequestStatus; decidedByMe: boolean },
): DecisionBanner | null {
  if (done === 'approved' && now.status === 'pending') return 'liftUndone';
  if ((done === 'approved' || done === 'denied') && now.status === done && now.decidedByMe) return done;
  if (done === 'closed' && now.status === 'closed') return 'closed';
  return null;
}
