import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { MisdialForm } from '@/components/block/misdial-form';
import { describeDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { ZONED_SECONDS } from '@/lib/time/format';
import { BlockStep } from '@/components/block/block-step';
import { ownBlock } from '../own-block';

export default async function MisdialPage({ params }: { params: Promise<{ id: string }> }) {
  const { block } = await ownBlock(params, '/misdial');
  const format = await getFormatter();
  const t = await getTranslations('unblock');
  const locale = await getLocale();
  const country = accountCountry(block.account.country);
  const calls = block.calls.map((c) => {
    const d = describeDialled(c.to, country, locale);
    const values = { at: format.dateTime(c.at, ZONED_SECONDS), number: d.display, credential: c.sipUsername };
    return {
      id: c.id,
      label: d.countryName
        ? t('misdial.callCountry', { ...values, country: d.countryName })
        : t('misdial.call', values),
    };
  });
  return (
    <BlockStep
      block={block}
      copy={{ title: t('misdial.title'), intro: t('misdial.intro'), inactive: t('inactive') }}
    >
      <MisdialForm blockId={block.id} calls={calls} country={country} />
    </BlockStep>
  );
}
