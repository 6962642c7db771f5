import { useLocale, useTranslations } from 'next-intl';
import { IpPlace } from '@/components/ui/ip-place';
import { PAGE_LINK } from '@/components/ui/button-class';
import { CredentialName } from '@/components/ui/credential-name';
import { Link } from '@/components/ui/link';
import { credentialName } from '@/lib/accounts/credential-name';
import { type CredentialDevices, suspiciousBindings } from '@/lib/devices/registrations';
import { countryName } from '@/lib/phone/format';
import { revealInvisible } from '@/lib/server/control-characters';

/** What a page's devices section loads (lib/devices/registrations.ts devicesOfBlock, devicesForStaff…). */
type Loaded = { accountCountry: string; credentials: readonly CredentialDevices[] } | null;

type Props = {
  /**
   * Where each entry's link leads, by credential id: the customer's reset page
   * (`/credentials/{id}/reset?block={blockId}` on a block page), or for staff the credential's devices
   * on the same page (`#devices-{id}`).
   */
  href: (credentialId: string) => string;
  /** Who reads it: the customer is told to change the password; support, that the customer should. */
  audience?: 'customer' | 'staff';
  /** The heading's level: 2 at the top of a page, 3 inside a section. */
  level?: 2 | 3;
};

/**
 * At the top of a page with registered devices, the ones that look like an attacker's
 * (lib/devices/registrations.ts suspiciousBindings: a scanning tool's user agent, no user agent at
 * all, or an address in another country than the account's), each with its credential (label and
 * username), where it registers from, its device software, why it looks so, and a link to change
 * that SIP password. Out of 45 credentials an owner could not find the one scanner among the device
 * sections. From devices already read: a region named by its heading; null when no device looks
 * so. The block page renders it in the boundary of its switch read (app/blocks/[id]/page.tsx
 * WithLiveSuspects), the staff account page in its devices section.
 */
export function SuspiciousList({
  devices,
  href,
  audience = 'customer',
  level = 2,
}: Props & { devices: NonNullable<Loaded> }) {
  const t = useTranslations('suspiciousDevices');
  const d = useTranslations('devices');
  const staff = useTranslations('staff.devices');
  const locale = useLocale();
  const found = suspiciousBindings(devices.credentials);
  if (found.length === 0) return null;
  const Heading = level === 2 ? 'h2' : 'h3';
  const home = countryName(devices.accountCountry, locale);
  return (
    <section
      aria-labelledby="suspicious-devices"
      className="flex flex-col gap-2 rounded-md border border-red-300 bg-red-50 p-3 text-red-950"
    >
      <Heading
        id="suspicious-devices"
        className={level === 2 ? 'text-xl font-semibold' : 'text-lg font-semibold'}
      >
        {t('title')}
      </Heading>
      <p>{t(audience === 'staff' ? 'introStaff' : 'intro', { count: found.length })}</p>
      <ul aria-labelledby="suspicious-devices" className="flex flex-col gap-3">
        {found.map(({ credential, binding: b }, i) => (
          <li key={`${credential.id}|${i}`} className="rounded border border-red-300 bg-white p-2 text-sm">
            <p className="font-medium">
              <CredentialName credential={credential} brackets />
            </p>
            <p>
              {t('from')} <IpPlace ip={b.sourceIp} />
            </p>
            <p className="break-all">
              {d('userAgent')}: {b.userAgent ? revealInvisible(b.userAgent) : d('noUserAgent')}
            </p>
            <ul className="list-disc pl-5 font-semibold text-red-900">
              {b.flags.includes('scanner') ? <li>{t('scanner')}</li> : null}
              {b.flags.includes('no_user_agent') ? <li>{t('noUserAgent')}</li> : null}
              {b.flags.includes('trigger_ip') ? (
                // Support's page is the account's, not one block's: its trigger addresses are those of
                // the account's recent blocks (lib/devices/registrations.ts devicesForStaff).
                <li>{audience === 'staff' ? staff('flag.triggerIp') : t('triggerIp')}</li>
              ) : null}
              {b.flags.includes('foreign_country') && b.country ? (
                <li>{t('foreign', { country: countryName(b.country, locale), home })}</li>
              ) : null}
            </ul>
            <p>
              {/* Stands alone, not in a sentence: a touch-sized target (PAGE_LINK). */}
              <Link href={href(credential.id)} className={`${PAGE_LINK} font-medium`}>
                {t(audience === 'staff' ? 'see' : 'change', { credential: credentialName(credential) })}
              </Link>
            </p>
          </li>
        ))}
      </ul>
    </section>
  );
}
