// The columns of a soft claim on a customer's request, an unblock request or a destination-allowance
// request (lib/requests/claim.ts takes and releases either): pure, so the writers that end a claim (a
// withdrawal, a decision, Tollgate closing the request) and the readers that show it need none of the
// claim's action frame. No 'server-only' imports: the e2e factories run submit.ts under tsx.

/** How long a take holds, in minutes: a callback with its note takes 5–15; then the claim lapses. */
export const CLAIM_MINUTES = 20;

/** The claim columns of an UnblockRequest row (migration 0025) or a DestinationAllowance row (0030). */
export type ClaimColumns = { claimedById: string | null; claimedAt: Date | null; claimedUntil: Date | null };

/** The row's claim columns set free: what a decision, a withdrawal, a release or a close writes. */
export const NO_CLAIM = { claimedById: null, claimedAt: null, claimedUntil: null } as const;

/**
 * The claim in force on `row` at `now` (the shared clock: lib/server/clock.ts sharedNow):
 * `{ byId, since, until }`, or null when nobody took it, it was released, or it lapsed
 * (`claimedUntil` at or before `now`).
 */
export function claimInForce(
  row: ClaimColumns,
  now: Date,
): { byId: string; since: Date; until: Date } | null {
  if (!row.claimedById || !row.claimedUntil || row.claimedUntil.getTime() <= now.getTime()) return null;
  return { byId: row.claimedById, since: row.claimedAt ?? row.claimedUntil, until: row.claimedUntil };
}
