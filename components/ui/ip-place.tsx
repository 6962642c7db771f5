import { getLocale, getTranslations } from 'next-intl/server';
import { isInternalAddress, placeIp } from '@/lib/geo/ip-country';

/**
 * An internet address with the country it is registered in (offline data, lib/geo/ip-country.ts):
 * "185.220.101.47 🇩🇪 Germany", or "… an internal address" for private, link-local, loopback and CGNAT ones, "… country unknown" otherwise (documentation ranges included).
 * Used wherever a source IP is shown, on customer and staff pages alike. The address is never broken
 * across lines (the `unbroken` utility, app/globals.css), not even in a cell that breaks anywhere.
 */
export async function IpPlace({ ip }: { ip: string }) {
  const [locale, t] = await Promise.all([getLocale(), getTranslations('ipPlace')]);
  const p = placeIp(ip, locale);
  return (
    <span>
      <span className="unbroken font-mono">{p.ip}</span>{' '}
      <span className="whitespace-nowrap text-slate-700">
        {p.flag ? <span aria-hidden="true">{p.flag} </span> : null}
        {p.countryName ?? t(isInternalAddress(p.kind) ? 'internal' : 'unknown')}
      </span>
    </span>
  );
}
