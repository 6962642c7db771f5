import { getLocale, getTranslations } from 'next-intl/server';
import { placeIp } from '@/lib/geo/ip-country';

/**
 * An internet address with the country it is registered in (offline data, lib/geo/ip-country.ts):
 * "185.220.101.47 🇩🇪 Germany", or "… country unknown" for private and documentation ranges.
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
        {p.countryName ?? t('unknown')}
      </span>
    </span>
  );
}
