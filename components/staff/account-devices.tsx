import { useFormatter, useTranslations } from 'next-intl';
import { Suspense } from 'react';
import { BindingList, DevicesNotRead } from '@/components/devices/binding-list';
import { SuspiciousList } from '@/components/devices/suspicious-devices';
import { UnsettledLine } from '@/components/sip/unsettled';
import { CredentialName } from '@/components/ui/credential-name';
import { Section } from '@/components/ui/section';
import type { StaffDevices } from '@/lib/devices/registrations';
import { ZONED } from '@/lib/time/format';

/** The id of the staff account page's "Registered devices" heading, and of each credential's part. */
export const STAFF_DEVICES_ID = 'devices-title';
const credentialAnchor = (id: string) => `devices-${id}`;

/**
 * The staff account page's "Registered devices" (docs/staff-console.md): the heading and a line of
 * what it is render at once; the rest streams in when the switch has answered (Suspense), as on the
 * customer's block page, so 45 credentials' reads never hold back the page. `load`: the page's
 * lib/devices/registrations.ts devicesForStaff, started by the page (staff only, checked there).
 * Said in staff's words: "Asking the switch…" while it loads (`staff.devices.loading`), not the
 * customer's "our phone system".
 */
export function StaffAccountDevices({ load }: { load: Promise<StaffDevices | null> }) {
  const t = useTranslations('staff.devices');
  const d = useTranslations('devices');
  return (
    <Section id={STAFF_DEVICES_ID} title={d('title')}>
      <p className="max-w-2xl text-sm text-slate-700">{t('intro')}</p>
      <Suspense fallback={<p role="status">{t('loading')}</p>}>
        <StaffDevicesLoaded load={load} />
      </Suspense>
    </Section>
  );
}

async function StaffDevicesLoaded({ load }: { load: Promise<StaffDevices | null> }) {
  const devices = await load;
  return devices ? <StaffDeviceList devices={devices} /> : null;
}

/**
 * What the section shows once read (why some credentials were not read in staff's words:
 * DevicesNotRead `audience="staff"`): at its top the devices that look like an attacker's
 * (SuspiciousList, each linking to its credential's part below), then each SIP credential (by
 * username) under its own heading (label and username) with when its password was last changed through
 * Tollgate (and, when the switch's answer to the latest change is not known, why, in staff's words:
 * no answer, an error, or busy until a time, and once that time has come what an error reads:
 * UnsettledLine, the customer's pages' line), and its devices as the
 * customer's "Registered devices" shows them (BindingList, the one rendering of them: the same layout,
 * words and flags, a device that did not say what it is told in words for an agent; the contact under
 * "Technical details").
 */
export function StaffDeviceList({ devices }: { devices: StaffDevices }) {
  const t = useTranslations('staff.devices');
  const dash = useTranslations('dashboard');
  const format = useFormatter();
  if (devices.credentials.length === 0) return <p className="text-slate-700">{t('noCredentials')}</p>;
  return (
    <div className="flex flex-col gap-4">
      <SuspiciousList
        devices={devices}
        href={(id) => `#${credentialAnchor(id)}`}
        audience="staff"
        level={3}
      />
      {/* Why some credentials were not read, said once for the section (one status, not one each). */}
      <DevicesNotRead credentials={devices.credentials} audience="staff" />
      {devices.credentials.map((c) => (
        <div
          key={c.id}
          id={credentialAnchor(c.id)}
          className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3"
        >
          <h3 className="font-medium">
            <CredentialName credential={c} />
          </h3>
          <p className="text-sm text-slate-700">
            {dash('changed')}:{' '}
            {c.passwordChangedAt ? (
              <time dateTime={c.passwordChangedAt.toISOString()}>
                {format.dateTime(c.passwordChangedAt, ZONED)}
              </time>
            ) : (
              dash('never')
            )}
            {c.unsettled ? (
              <UnsettledLine
                cause={c.unsettledCause ?? 'no_answer'}
                busyUntil={c.unsettledBusyUntil}
                audience="staff"
              />
            ) : null}
          </p>
          <BindingList credential={c} home={devices.accountCountry} audience="staff" notReadSaidAbove />
        </div>
      ))}
    </div>
  );
}
