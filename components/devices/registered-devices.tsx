import { Suspense } from 'react';
import { getTranslations } from 'next-intl/server';
import { useTranslations } from 'next-intl';
import { BindingList, DevicesNotRead } from '@/components/devices/binding-list';
import { pausedForTheWait } from '@/components/sip/devices-before';
import type { CredentialDevices } from '@/lib/devices/registrations';
import { Section } from '@/components/ui/section';
import { CredentialName } from '@/components/ui/credential-name';

type Loaded = { accountCountry: string; credentials: CredentialDevices[] } | null;

/**
 * "Registered devices" (CONTRACTS §6): the heading renders at once; the list streams in when the
 * switch has answered (Suspense), so a slow switch never holds back the rest of the page.
 * `load` is a promise started by the page (lib/devices/registrations.ts), already scoped to the user,
 * or its value when the page already has it (the block page's read in time, lib/blocks/live-read.ts):
 * then the list is rendered in place, with no boundary (app/blocks/[id]/page.tsx WithLiveSuspects says
 * why). `pausedWith`: the time
 * a new password can be set from, on the reset page of a change the switch answered busy (its
 * notice says it): reads paused for that same wait say so without naming it again
 * (RegisteredDeviceList).
 */
export async function RegisteredDevices({
  load,
  pausedWith,
}: {
  load: Promise<Loaded> | Loaded;
  pausedWith?: Date;
}) {
  const t = await getTranslations('devices');
  return (
    <Section id="devices" title={t('title')}>
      <p className="max-w-2xl text-sm text-slate-700">{t('intro')}</p>
      {/* A list already read renders in place, outside any boundary: in one, React's HTML renderer
          sent it after the page's first bytes, in a hidden part only a script reveals ("Asking our
          phone system…" stayed without JavaScript). */}
      {load instanceof Promise ? (
        <Suspense
          fallback={
            <p role="status">
              {t('loading')}
              {/* Where no script runs (CSS `scripting: none`) the streamed list never replaces this. */}
              <span className="hidden noscript:inline"> {t('loadingNoScript')}</span>
            </p>
          }
        >
          <DeviceList load={load} pausedWith={pausedWith} />
        </Suspense>
      ) : load ? (
        <RegisteredDeviceList devices={load} pausedWith={pausedWith} />
      ) : null}
    </Section>
  );
}

async function DeviceList({ load, pausedWith }: { load: Promise<Loaded>; pausedWith?: Date }) {
  const loaded = await load;
  return loaded ? <RegisteredDeviceList devices={loaded} pausedWith={pausedWith} /> : null;
}

/**
 * The section's list once read: each SIP credential of `devices` under its own heading (label and
 * username), and its devices as BindingList renders them (the one rendering, the staff account page's
 * too). Why credentials were not read is said once, at the top, as the list's one status
 * (DevicesNotRead), and each such credential then reads a short plain note (BindingList's
 * `notReadSaidAbove`). `devices.accountCountry`: ISO 3166-1 alpha-2, named in the foreign-country flag. No
 * next-intl/server: renders in any server component, and in a test. `pausedWith` (the reset page's
 * busy time: RegisteredDevices): when every credential not read was paused for that very wait
 * (components/sip/devices-before.tsx pausedForTheWait), the status says they are read again when the
 * wait named above is over (devices.pausedWithWait), not "from 12:45:06" beside the notice's "from
 * 12:45:14" (testers, 2026-12-08): one wait, said once.
 */
export function RegisteredDeviceList({
  devices,
  pausedWith,
}: {
  devices: NonNullable<Loaded>;
  pausedWith?: Date;
}) {
  const t = useTranslations('devices');
  const unread = devices.credentials.filter((c) => c.bindings === null);
  const withWait = unread.length > 0 && unread.every((c) => pausedForTheWait(c, pausedWith));
  return (
    <div className="flex flex-col gap-4">
      {withWait ? (
        <p role="status" className="text-amber-950">
          {unread.length < devices.credentials.length
            ? `${t('notReadSome', { count: unread.length })} `
            : null}
          {t('pausedWithWait')}
        </p>
      ) : (
        <DevicesNotRead credentials={devices.credentials} />
      )}
      {devices.credentials.map((c) => (
        <div key={c.id} className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3">
          <h3 className="font-medium">
            <CredentialName credential={c} />
          </h3>
          <BindingList credential={c} home={devices.accountCountry} notReadSaidAbove />
        </div>
      ))}
    </div>
  );
}
