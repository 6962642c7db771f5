import { awaitsSwitchAnswer, busyStill, busyUntilOf, unknownCause } from '@/lib/credentials/change-state';

/**
 * Why a credential's latest password change has no known answer: change-state.ts unknownCause's
 * answer, `no_answer` or `error_answer` (the one name for it: components/sip/unsettled.tsx too).
 */
export type UnsettledCause = ReturnType<typeof unknownCause>;

/**
 * What every page that lists a SIP credential says of its latest password change while the switch's
 * answer to it is not known: `unsettled` (lib/credentials/change-state.ts awaitsSwitchAnswer: the
 * credential's `passwordChangedAt` may not be the password the switch has); `unsettledCause`, why
 * (`error_answer` when the switch answered with an error, unknownCause; `no_answer` when none came,
 * or none yet for a change still `sending`), null when settled; `unsettledBusyUntil`, present while
 * unsettled because the switch answered by asking Tollgate to wait (a 429 or 503 with Retry-After):
 * from when a new password can be set (busyUntilOf, the time the reset page names too). The
 * dashboard (lib/accounts/queries.ts), the block page's credential list (lib/blocks/queries.ts) and
 * the staff account page's devices (lib/devices/registrations.ts devicesForStaff) all read it here,
 * and components/sip/unsettled.tsx UnsettledLine words it: one story on every page.
 */
export type UnsettledState = {
  unsettled: boolean;
  unsettledCause: UnsettledCause | null;
  unsettledBusyUntil?: Date;
};

/**
 * UnsettledState of a credential's latest password change that the switch did not refuse (a
 * SipPasswordChange row's `status`, `switchConfirmedAt`, stored `error` and `completedAt`; dates as
 * a Date or the text or number a raw SQLite read returns), or of none (`null`: never changed, or only
 * refused changes). The caller picks that change: the latest by `createdAt` whose status is not
 * `failed` (lib/credentials/reset.ts latestChange).
 */
export function unsettledStateOf(
  change: {
    status: string;
    switchConfirmedAt: Date | string | number | null;
    error: string | null;
    completedAt: Date | string | number | null;
  } | null,
): UnsettledState {
  if (change === null || !awaitsSwitchAnswer(change)) return { unsettled: false, unsettledCause: null };
  const busyUntil = busyUntilOf(change);
  return {
    unsettled: true,
    // As the reset page's latestChange: a change still `sending` has had no answer (yet).
    unsettledCause: change.status === 'unknown' ? unknownCause(change.error) : 'no_answer',
    ...(busyUntil ? { unsettledBusyUntil: busyUntil } : {}),
  };
}

/**
 * The earliest `unsettledBusyUntil` of `credentials` still ahead of `now` (busyStill), or undefined:
 * when a page listing them must render again, because from that second on the line under that
 * credential no longer says "set a new one from" that time (components/sip/unsettled.tsx
 * UnsettledLine) but what is true then. `now`: the time the page was rendered at (next-intl's
 * getNow, the very time its lines were compared with).
 */
export function earliestBusyUntil(
  credentials: Iterable<{ unsettledBusyUntil?: Date }>,
  now: Date,
): Date | undefined {
  let earliest: Date | undefined;
  for (const c of credentials) {
    const busy = busyStill(c.unsettledBusyUntil, now);
    if (busy && (!earliest || busy.getTime() < earliest.getTime())) earliest = busy;
  }
  return earliest;
}
