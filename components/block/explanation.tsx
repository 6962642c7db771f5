import { getLocale, getTranslations } from 'next-intl/server';
import { INTL_TAGS, isLocale } from '@/lib/i18n/locales';
import type { BlockView } from '@/lib/blocks/queries';
import { placeIp } from '@/lib/geo/ip-country';
import { describeDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';

/** Two or three sentences: what probably happened and what to do, from the block's own evidence. */
export async function Explanation({ block }: { block: BlockView }) {
  const t = await getTranslations('block.explain');
  const country = accountCountry(block.account.country);
  const locale = await getLocale();
  const list = (items: string[]) =>
    new Intl.ListFormat(isLocale(locale) ? INTL_TAGS[locale] : 'en', {
      style: 'long',
      type: 'conjunction',
    }).format(items);
  const countries = [
    ...new Set(block.calls.map((c) => describeDialled(c.to, country, locale).countryName ?? c.to)),
  ];
  const creds = [...new Set(block.calls.map((c) => c.sipUsername))];
  const ips = [...new Set(block.calls.map((c) => c.sourceIp))].map((ip) =>
    t('ipIn', { ip, country: placeIp(ip, locale).countryName ?? t('ipCountryUnknown') }),
  );
  const rotatable = block.credentials.filter((c) => c.named).map((c) => `${c.label} (${c.username})`);
  return (
    <div className="flex flex-col gap-2">
      {block.calls.length ? (
        <p>
          {t('calls', {
            count: block.calls.length,
            countries: list(countries),
            credentials: list(creds),
            ips: list(ips),
          })}
        </p>
      ) : null}
      <p>{t(block.reason)}</p>
      {block.reason !== 'manual' && rotatable.length ? (
        <p className="font-medium">
          {t(block.unknownNames.length ? 'rotateOnly' : 'rotate', { credentials: list(rotatable) })}
        </p>
      ) : null}
      {block.unknownNames.length ? <p>{t('trunk', { names: list(block.unknownNames) })}</p> : null}
      {block.reason !== 'manual' ? <p>{t('firewall')}</p> : null}
      {block.reason === 'high_risk_destination' ? <p>{t('misdial')}</p> : null}
    </div>
  );
}
