import { useTranslations } from 'next-intl';
import { RetypeWords } from '@/components/devices/devices-to-retype';
import type { CredentialDevices } from '@/lib/devices/registrations';

type Loaded = { accountCountry: string; credentials: CredentialDevices[] } | null;

/**
 * Whether `devices` were not read because the switch asked for a pause that ends at `busyUntil`, the
 * time from which a new password can be set (the page's change answered busy: lib/credentials/reset.ts
 * resetPageDevices names the pause by that time when the two are one wait, pausedReadsUntil). Then the
 * devices lines name no time of their own: the page says it once, where it says what the customer can
 * do (components/sip/unsettled.tsx UnsettledNotice, the form's answer). False when `busyUntil` is absent
 * (no busy change, or its time has come) or the pause is another, later one (its own time is said).
 */
export function pausedForTheWait(devices: CredentialDevices, busyUntil: Date | undefined): boolean {
  return (
    busyUntil !== undefined &&
    devices.bindings === null &&
    devices.notRead?.reason === 'paused' &&
    devices.notRead.until.getTime() === busyUntil.getTime()
  );
}

/**
 * The reset form's "which devices stop" line above "Set password" (components/devices/
 * devices-to-retype.tsx DevicesToRetype `before`), with one wait on the page: while the devices' reads
 * are paused for the very wait a new password waits for (pausedForTheWait with `busyUntil`), it says
 * they are asked again when that wait is over, with no second time (reset.devices.pausedWithWait);
 * otherwise RetypeWords' own words. `load`: the page's one read of the switch (resetPageDevices), never
 * a second one; streams in (put it in a Suspense).
 */
export async function DevicesBeforeReset({
  load,
  busyUntil,
}: {
  load: Promise<Loaded>;
  busyUntil: Date | undefined;
}) {
  const devices = (await load)?.credentials[0];
  if (!devices) return null;
  return pausedForTheWait(devices, busyUntil) ? (
    <PausedWithWait />
  ) : (
    <RetypeWords devices={devices} when="before" />
  );
}

function PausedWithWait() {
  const t = useTranslations('reset.devices');
  return <p>{t('pausedWithWait')}</p>;
}
