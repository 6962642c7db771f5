import type { ReactNode } from 'react';
import { useTranslations } from 'next-intl';
import { credentialCallName } from '@/lib/accounts/credential-name';
import type { CredentialDevices, DeviceBinding } from '@/lib/devices/registrations';
import { revealInvisible } from '@/lib/server/control-characters';
import { useWhen } from '@/components/ui/when';

type Loaded = { accountCountry: string; credentials: CredentialDevices[] } | null;

/**
 * Which devices a new SIP password silences, as the reset form says it: `before` "Set password", each
 * device the switch reports registered with this credential, in plain words ("Reception desk phone
 * (Yealink SIP-T46U, 198.51.100.20) will stop making and receiving all calls, national ones too,
 * until the new password is typed into it"); `after` it, the same devices as "type the new password
 * into these devices". A binding flagged as an intruder's (a scanning tool's user agent, the
 * address the fraud calls came from, an address abroad, or no user agent at all:
 * lib/devices/registrations.ts flagsFor) is said to be logged out, not to need the password, and is
 * never called the credential's phone (a scanner whose padded User-Agent the registrar recorded as
 * `n/a` was: "tally-pbx label (n/a, 127.0.0.78) will stop making and receiving all calls…"); one
 * with no user agent is said so ("A device that did not say what it is, at 127.0.0.78, will be logged
 * out too"). `load` is the page's one read of the switch (devicesForCredential), shared with "Registered devices": never a second read. Streams in when it
 * has answered; the form shows it from the page's render (components/sip/reset-form.tsx).
 */
export async function DevicesToRetype({ load, when }: { load: Promise<Loaded>; when: 'before' | 'after' }) {
  const loaded = await load;
  const devices = loaded?.credentials[0];
  return devices ? <RetypeWords devices={devices} when={when} /> : null;
}

/**
 * DevicesToRetype's words for one credential's `devices`, in the reader's language (next-intl's
 * provider: the page's, or a test's; keys reset.devices.*). Before: one sentence per binding; none
 * registered, or the switch not read, said without naming any device: not answered
 * (reset.devices.unread, "could not ask"), or paused because the switch asked Tollgate to wait
 * (NotRead `paused`: reset.devices.paused, read again from `until`, to the second in the reader's
 * zone; a tester, 2026-12-08, read "could not" while the reads were paused). After: the devices that need the password (the flagged ones left out), or
 * nothing when there are none to name (the form's "Now enter it on the device" stands alone).
 */
export function RetypeWords({ devices, when }: { devices: CredentialDevices; when: 'before' | 'after' }) {
  const t = useTranslations('reset.devices');
  const writeTime = useWhen();
  const name = credentialCallName(devices);
  const strong = (c: ReactNode) => <strong>{c}</strong>;
  if (when === 'after') {
    const ours = (devices.bindings ?? []).filter((b) => !suspect(b));
    if (!ours.length) return null;
    return (
      <div className="flex flex-col gap-1">
        <p className="font-medium">{t('after', { count: ours.length })}</p>
        <ul className="list-disc pl-5">
          {ours.map((b, i) => (
            <li key={`${i}|${b.contact}|${b.sourceIp}`}>
              {name} ({details(b)})
            </li>
          ))}
        </ul>
      </div>
    );
  }
  if (devices.bindings === null)
    return (
      <p>
        {devices.notRead?.reason === 'paused'
          ? t('paused', { until: writeTime(devices.notRead.until, { seconds: true }) })
          : t('unread')}
      </p>
    );
  if (devices.bindings.length === 0 && devices.unreadable === 0) return <p>{t('none')}</p>;
  return (
    <div className="flex flex-col gap-1">
      <p>{t('before')}</p>
      {devices.bindings.length ? (
        <ul className="list-disc pl-5">
          {devices.bindings.map((b, i) => (
            <li key={`${i}|${b.contact}|${b.sourceIp}`}>
              {b.flags.includes('no_user_agent')
                ? t('unnamed', { address: b.sourceIp })
                : suspect(b)
                  ? t('suspect', { details: details(b) })
                  : t.rich('device', { name, details: details(b), strong })}
            </li>
          ))}
        </ul>
      ) : null}
      {devices.unreadable > 0 ? <p>{t('unreadable', { count: devices.unreadable })}</p> : null}
    </div>
  );
}

/**
 * An intruder's binding, by what a phone never does: a scanning tool's name, the fraud calls' address,
 * an address abroad, no word of what it is (the suspicious-devices summary names those too except
 * the fraud calls' address: lib/devices/registrations.ts suspiciousBindings; review, 2026-12-07: the
 * reset page told the reader to type the new password into them).
 */
const suspect = (b: DeviceBinding) =>
  b.flags.includes('scanner') ||
  b.flags.includes('no_user_agent') ||
  b.flags.includes('trigger_ip') ||
  b.flags.includes('foreign_country');

/** "Yealink SIP-T46U, 198.51.100.20": what the device calls itself, when it says, and where it is. */
const details = (b: DeviceBinding) =>
  [b.userAgent ? revealInvisible(b.userAgent) : null, b.sourceIp].filter(Boolean).join(', ');
