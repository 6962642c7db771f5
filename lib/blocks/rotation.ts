// "A credential's password was changed since a block", written out once. DESIGN.md's re-enabling
// rule: "every SIP credential named in the block's trigger calls has a new password set after the
// block was placed". Read by the rotation policy (lib/blocks/policy.ts liftIfRotated), the block page
// (lib/blocks/queries.ts getBlockForUser, each credential's `rotatedSinceBlock`) and the allowance
// rule (lib/allowances/fraud-door.ts fraudDoors). The staff home's list of rotated blocks waiting for
// a person (lib/policy/rotated-waiting.ts WAITING) compares in its SQL, the same two columns the same
// way. Pure and isomorphic.

/**
 * Whether credential `c` has a new password set after block `b` was placed, as DESIGN.md's
 * re-enabling rule reads it: every SIP credential named in the block's trigger calls has a new
 * password set after the block was placed.
 *
 * Compared: `c.passwordChangedAt` (SipCredential: when the change the switch confirmed was *sent*,
 * the SipPasswordChange's `createdAt`, lib/credentials/reset.ts completePasswordChange; null for a
 * password never changed here, or whose change the switch has not confirmed) with `b.createdAt`
 * (Block: when the portal learnt of the block), strictly later. Both are the portal's time, written on
 * the shared clock (lib/server/clock.ts sharedNow). Why these two:
 * - not the block's `placedAt`: that is the switch's clock, which may run ahead of or behind the
 *   portal's, so the comparison would depend on two clocks agreeing;
 * - not when the switch confirmed the change: the switch may apply a password and answer seconds
 *   later, and the block's fraud calls may have used it in between (a fault tester's race, stop 54).
 *   A change sent before the portal heard of the block never counts; the customer sets it again.
 * So a password set between the switch placing the block and the portal hearing of it does not count
 * either: a customer may be asked once more, never told a block lifts that should not.
 *
 * Dates only: a caller reading raw SQL rows (SQLite may give a date as text) makes them Dates first.
 * Equal times are not "after". Never throws.
 */
export function passwordChangedSince(c: { passwordChangedAt: Date | null }, b: { createdAt: Date }): boolean {
  return c.passwordChangedAt !== null && c.passwordChangedAt.getTime() > b.createdAt.getTime();
}
