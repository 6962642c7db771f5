import { getLocale, getTranslations } from 'next-intl/server';
import { intlOf } from '@/lib/i18n/intl-cache';
import { intlTag } from '@/lib/i18n/locales';
import type { BlockView } from '@/lib/blocks/queries';
import { placeIp } from '@/lib/geo/ip-country';
import { destinationsOf } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { prefixSlip } from '@/lib/requests/dialling';

/**
 * Two or three sentences: what probably happened and what to do, from the block's own evidence. What to
 * do (change passwords, tell us about the trunk, ask for a misdial unblock) is said only while the block
 * is active: once the lift is on its way or done, there is nothing left to do and the page offers none
 * of those steps, so it does not ask for them (the firewall advice stays: it holds for the future).
 * Nor does it invite a misdial report while an unblock request is pending.
 */
export async function Explanation({ block }: { block: BlockView }) {
  const t = await getTranslations('block.explain');
  const country = accountCountry(block.account.country);
  const locale = await getLocale();
  const list = (items: string[]) =>
    intlOf(Intl.ListFormat, intlTag(locale), { style: 'long', type: 'conjunction' }).format(items);
  // The most frequent values of each kind (lib/blocks/queries.ts callOverview), and how many others.
  const others = (key: 'otherNumbers' | 'otherNames' | 'otherIps', shown: number, distinct: number) =>
    distinct > shown ? [t(key, { count: distinct - shown })] : [];
  const { to, sipUsername, sourceIp } = block.top;
  // The destinations of the numbers most calls went to, named in the reader's alphabetical order
  // (which numbers are named is decided by frequency; the order of a short list of names is not),
  // then how many of them could not be read, then how many others.
  const { names, unreadable } = destinationsOf(to.values, country, locale);
  const countries = [
    ...names,
    ...(unreadable ? [t('unreadableNumbers', { count: unreadable })] : []),
    ...others('otherNumbers', to.values.length, to.distinct),
  ];
  const creds = [
    ...sipUsername.values,
    ...others('otherNames', sipUsername.values.length, sipUsername.distinct),
  ];
  const ips = [
    ...sourceIp.values.map((ip) =>
      t('ipIn', { ip, country: placeIp(ip, locale).countryName ?? t('ipCountryUnknown') }),
    ),
    ...others('otherIps', sourceIp.values.length, sourceIp.distinct),
  ];
  const actionable = block.status === 'active';
  // A pending request is the customer's answer already: no second invitation to send one.
  const asked = block.requests.some((r) => r.status === 'pending');
  // The misdial hint names this block's destinations, or shows the 00-for-0 slip one of them reads as.
  const slip = prefixSlip(to.values, country);
  const named = block.credentials.filter((c) => c.named);
  const rotatable = named.map((c) => `${c.label} (${c.username})`);
  // Every password the policy asks for is changed, yet the switch refused the lift: asking for the
  // passwords again (and promising calls come back) would send the customer round in a circle.
  const rotatedButRefused =
    block.liftRefused &&
    !block.unknownNames.length &&
    named.length > 0 &&
    named.every((c) => c.rotatedSinceBlock);
  return (
    <div className="flex flex-col gap-2">
      {block.callCount ? (
        <p>
          {t('calls', {
            count: block.callCount,
            countries: list(countries),
            credentials: list(creds),
            ips: list(ips),
          })}
        </p>
      ) : null}
      <p>{t(block.reason)}</p>
      {actionable && block.reason !== 'manual' && rotatedButRefused ? (
        <p className="font-medium">{t('rotatedStillBlocked')}</p>
      ) : actionable && block.reason !== 'manual' && rotatable.length ? (
        <p className="font-medium">
          {t(block.unknownNames.length ? 'rotateOnly' : 'rotate', {
            count: rotatable.length,
            credentials: list(rotatable),
          })}
        </p>
      ) : null}
      {actionable && block.unknownNames.length ? (
        <p>
          {t('trunk', {
            names: list([
              ...block.unknownNames,
              ...others('otherNames', block.unknownNames.length, block.unknownNameCount),
            ]),
          })}
        </p>
      ) : null}
      {block.reason !== 'manual' ? <p>{t('firewall')}</p> : null}
      {actionable && !asked && block.reason === 'high_risk_destination' && block.callCount > 0 ? (
        <p>
          {slip
            ? t('misdialSlip', { ...slip })
            : t('misdial', { count: block.callCount, countries: list(countries) })}
        </p>
      ) : null}
    </div>
  );
}
