import { getLocale, getTranslations } from 'next-intl/server';
import { AllowanceRequestForm, type RequestFormLabels } from '@/components/allowance/request-form';
import { allowableCountries } from '@/lib/allowances/rules';
import { BlockStep } from '@/components/block/block-step';
import { blockPageTitle, ownBlock } from '../own-block';

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'allowance.title');

export default async function AllowancePage({ params }: { params: Promise<{ id: string }> }) {
  const { block } = await ownBlock(params, '/allowance');
  const t = await getTranslations('allowance');
  const unblock = await getTranslations('unblock');
  const labels = Object.fromEntries(
    (
      [
        'country',
        'countryHint',
        'choose',
        'hours',
        'hoursHint',
        'reason',
        'reasonHint',
        'callbackHint',
        'submit',
        'sending',
      ] as const
    ).map((k) => [k, t(k)]),
  ) as RequestFormLabels;
  // The same label as the misdial and firewall forms.
  labels.callback = unblock('callback');
  return (
    <BlockStep block={block} copy={{ title: t('title'), intro: t('intro'), inactive: t('notActive') }}>
      <AllowanceRequestForm
        blockId={block.id}
        countries={allowableCountries(block.account.country, await getLocale())}
        labels={labels}
      />
    </BlockStep>
  );
}
