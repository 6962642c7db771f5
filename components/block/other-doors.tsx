import { getTranslations } from 'next-intl/server';
import { OTHER_DOORS } from '@/lib/requests/doors';
import { Section } from '@/components/ui/section';

/** The block page's "Other ways in": each door fraudsters use besides a SIP password, and how to close it. */
export async function OtherDoors() {
  const t = await getTranslations('doors');
  return (
    <Section id="doors" title={t('title')}>
      <p className="max-w-2xl">{t('intro')}</p>
      <ul aria-labelledby="doors" className="flex max-w-2xl flex-col gap-2">
        {OTHER_DOORS.map((d) => (
          <li key={d}>
            <strong>{t(`${d}.title`)}.</strong> {t(`${d}.close`)}
          </li>
        ))}
      </ul>
    </Section>
  );
}
