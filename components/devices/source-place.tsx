import { useLocale, useTranslations } from 'next-intl';
import { isInternalAddress, placeIp } from '@/lib/geo/ip-country';

/**
 * A device's source address and where it is (lib/geo/ip-country.ts placeIp): "185.220.101.47 🇩🇪
 * Germany"; for an address a network uses inside itself (private, unique local, link-local, loopback,
 * carrier-grade NAT: isInternalAddress) "192.168.1.70 an internal address (inside a private network, not on the internet)";
 * for a documentation range "198.51.100.20 an example address (documentation range)"; else "… country
 * unknown". The words components/ui/ip-place.tsx says, and the address kept whole on one line (the
 * `unbroken` utility, app/globals.css); with hooks rather than next-intl/server, so that it renders in
 * any server component and in a test.
 */
export function SourcePlace({ ip }: { ip: string }) {
  const locale = useLocale();
  const t = useTranslations('ipPlace');
  const p = placeIp(ip, locale);
  const where =
    p.countryName ??
    (isInternalAddress(p.kind)
      ? t('internal')
      : p.kind === 'documentation'
        ? t('documentation')
        : t('unknown'));
  return (
    <span>
      <span className="unbroken font-mono">{p.ip}</span>{' '}
      {/* A country's name stays on one line; the longer words for an address with none may wrap. */}
      <span className={p.countryName ? 'whitespace-nowrap text-slate-700' : 'text-slate-700'}>
        {p.flag ? <span aria-hidden="true">{p.flag} </span> : null}
        {where}
      </span>
    </span>
  );
}
