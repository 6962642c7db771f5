import { useFormatter, useNow, useTranslations } from 'next-intl';
import type { UnsettledCause } from '@/lib/accounts/unsettled';
import { busyStill } from '@/lib/credentials/change-state';
import { ZONED } from '@/lib/time/format';
import { useWhen } from '@/components/ui/when';

/**
 * The reset page's notice about the credential's latest change whose switch answer is not known
 * (lib/credentials/reset.ts latestChange `unsettled`): still waiting for it (`in_flight`,
 * reset.unsettled.inFlight), or never known (`unknown`), worded by why: no answer came
 * (reset.unsettled.unknown) or the switch answered with an error (a 500: reset.unsettled.unknownError).
 * "Got no answer" is not true of a switch that answered 500 (tester, 2026-12-08); the form's own
 * answer (outcome.reset.switchErrorUnknown) and the alert mail already told the two apart. A switch
 * that answered by asking Tollgate to wait (a 429 or 503 with Retry-After: `busyUntil`) was busy, and
 * the notice says from when to set a new password (reset.unsettled.unknownBusy, to the second), not
 * "now", which it would answer the same (a tester, 2026-12-07). `at`, when the change was sent, and
 * `busyUntil` are shown in the reader's zone. Once `busyUntil` has come (busyStill, against the
 * request's time: next-intl's useNow, the server's clock at render; a test's provider `now`), the
 * wait is over and the notice says what it says of any change the switch answered with an error
 * (reset.unsettled.unknownError: not known to be in force, set a new password now), never "from" a
 * time already past.
 */
export function UnsettledNotice({
  unsettled,
}: {
  unsettled:
    { kind: 'in_flight'; at: Date } | { kind: 'unknown'; at: Date; cause: UnsettledCause; busyUntil?: Date };
}) {
  const t = useTranslations('reset.unsettled');
  const format = useFormatter();
  const when = useWhen();
  const now = useNow();
  const at = format.dateTime(unsettled.at, ZONED);
  const busyUntil = unsettled.kind === 'unknown' ? busyStill(unsettled.busyUntil, now) : undefined;
  const key =
    unsettled.kind === 'in_flight'
      ? 'inFlight'
      : unsettled.cause === 'error_answer'
        ? 'unknownError'
        : 'unknown';
  return (
    <p role="status" className="max-w-xl rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
      {busyUntil ? t('unknownBusy', { at, until: when(busyUntil, { seconds: true }) }) : t(key, { at })}
    </p>
  );
}

/**
 * The dashboard's line under a credential whose latest change has no known answer (AccountSummary
 * credential `unsettledCause` and `unsettledBusyUntil`, lib/accounts/queries.ts), as the reset page
 * words it (UnsettledNotice): dashboard.unsettledBusy when the switch answered by asking Tollgate to
 * wait (a 429 or 503 with Retry-After), with from when a new password can be set (`busyUntil`, the
 * change's stored answer: lib/credentials/change-state.ts busyUntilOf; to the second, in the
 * reader's zone, the very time the reset page names); dashboard.unsettledError when it answered with
 * another error, or asked to wait and that time has come (busyStill against the request's time,
 * useNow, as UnsettledNotice: no "set a new one from" a time already past); dashboard.unsettled
 * otherwise. The customer's block page says it under each credential too (components/block/
 * credential-list.tsx). `audience` `staff` (the staff account page's "Registered devices",
 * components/staff/account-devices.tsx) tells the same story in staff's words, naming the switch and
 * the customer (staff.devices.unsettled, unsettledError, unsettledBusy), at the same time.
 */
export function UnsettledLine({
  cause,
  busyUntil,
  audience = 'customer',
}: {
  cause: UnsettledCause;
  busyUntil?: Date;
  audience?: 'customer' | 'staff';
}) {
  const t = useTranslations(audience === 'staff' ? 'staff.devices' : 'dashboard');
  const when = useWhen();
  const busy = busyStill(busyUntil, useNow());
  return (
    <span className="block text-sm font-medium text-amber-900">
      {busy
        ? t('unsettledBusy', { until: when(busy, { seconds: true }) })
        : t(cause === 'error_answer' ? 'unsettledError' : 'unsettled')}
    </span>
  );
}
