/**
 * The one rule for "the switch's answer to a SIP password change is not known": the change is
 * `unknown` (the answer never came: a timeout, a restart in the middle), or still `sending` with no
 * confirmation recorded. Then the credential's `passwordChangedAt` may no longer be the password the
 * switch has. Shapes: a `SipPasswordChange` row's `status` (`sending`, `confirmed`, `refused`,
 * `unknown`, …) and `switchConfirmedAt` (null until the switch confirmed it). Used by the reset page
 * (lib/credentials/reset.ts `unsettledChange`, which also tells a live call from one cut short) and
 * the dashboard's summary read (lib/accounts/queries.ts), so both say the same.
 */
export function awaitsSwitchAnswer(change: {
  status: string;
  switchConfirmedAt: Date | string | number | null;
}): boolean {
  return change.status === 'unknown' || (change.status === 'sending' && change.switchConfirmedAt === null);
}
