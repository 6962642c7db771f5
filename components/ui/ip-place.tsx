import { useLocale, useTranslations } from 'next-intl';
import { placeIp, placeWordKey } from '@/lib/geo/ip-country';

/**
 * An address and where it is (lib/geo/ip-country.ts placeIp, offline data): "185.220.101.47 🇩🇪
 * Germany"; with no country, the words placeWordKey picks: "192.168.1.70 an internal address, inside a
 * private network and not on the internet" (private, unique local, link-local, loopback, carrier-grade
 * NAT), "198.51.100.20 an example address, not one in use on the internet", else
 * "… country unknown". The one rendering of an address on customer and staff pages alike: a trigger
 * call's source, a registered device's. The address is kept whole on one line (the `unbroken`
 * utility, app/globals.css), a country's name too; the longer words for an address with none may
 * wrap. With hooks rather than next-intl/server, so that it renders in any server component and in a
 * test.
 */
export function IpPlace({ ip }: { ip: string }) {
  const locale = useLocale();
  const t = useTranslations('ipPlace');
  const p = placeIp(ip, locale);
  const key = placeWordKey(p);
  return (
    <span>
      <span className="unbroken font-mono">{p.ip}</span>{' '}
      <span className={key ? 'text-slate-700' : 'whitespace-nowrap text-slate-700'}>
        {p.flag ? <span aria-hidden="true">{p.flag} </span> : null}
        {key ? t(key) : p.countryName}
      </span>
    </span>
  );
}
