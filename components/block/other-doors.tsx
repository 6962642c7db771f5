import { getLocale, getTranslations } from 'next-intl/server';
import { OTHER_DOORS } from '@/lib/requests/doors';
import { intlTag } from '@/lib/i18n/locales';
import { listOfNodes } from '@/components/block/explanation';
import { Section } from '@/components/ui/section';
import { providerSipAddressValues } from '@/components/ui/sip-addresses';

/** The block page's "Other ways in": each door fraudsters use besides a SIP password, and how to close it. */
export async function OtherDoors() {
  const [t, locale] = await Promise.all([getTranslations('doors'), getLocale()]);
  // "only from our addresses (…)": the configured list, or where to ask for it (PROVIDER_SIP_ADDRESSES).
  const addresses = providerSipAddressValues((entries) => listOfNodes(entries, intlTag(locale)));
  return (
    <Section id="doors" title={t('title')}>
      <p className="max-w-2xl">{t('intro')}</p>
      <ul aria-labelledby="doors" className="flex max-w-2xl flex-col gap-2">
        {OTHER_DOORS.map((d) => (
          <li key={d}>
            <strong>{t(`${d}.title`)}.</strong> {t.rich(`${d}.close`, addresses)}
          </li>
        ))}
      </ul>
    </Section>
  );
}
