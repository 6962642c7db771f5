import { getLocale, getTranslations } from 'next-intl/server';
import { AllowanceRequestForm, type RequestFormLabels } from '@/components/allowance/request-form';
import { allowableCountries, OPEN_STATUSES } from '@/lib/allowances/rules';
import { fraudDoorsForMember } from '@/lib/allowances/fraud-door';
import { CustomerDoors } from '@/components/allowance/door-notes';
import { blockPageAllowances } from '@/lib/blocks/page-version';
import { BlockStep } from '@/components/block/block-step';
import { OpenAllowances } from '@/components/block/pending-notice';
import { blockPageTitle, ownBlock } from '../own-block';

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'allowance.title');

export default async function AllowancePage({ params }: { params: Promise<{ id: string }> }) {
  const { user, block } = await ownBlock(params, '/allowance');
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
  // One allowance per country at a time, as the block page lists them: those already asked for, on
  // their way or in force are said up front, and the form offers the other countries.
  // So are the countries that cannot be allowed until a SIP password is changed (the request would
  // be refused: lib/allowances/fraud-door.ts), and those whose calls came through no credential.
  const [allowances, doors] = await Promise.all([
    blockPageAllowances(user.id, block),
    fraudDoorsForMember(user, block.account.id),
  ]);
  const open = allowances.filter((a) => (OPEN_STATUSES as readonly string[]).includes(a.status));
  const taken = new Set([
    ...open.map((a) => a.country),
    ...doors.filter((d) => d.changeFirst.length > 0).map((d) => d.country),
  ]);
  const countries = allowableCountries(block.account.country, await getLocale()).filter(
    (c) => !taken.has(c.code),
  );
  return (
    <BlockStep block={block} copy={{ title: t('title'), intro: t('intro'), inactive: t('notActive') }}>
      {(closed) => (
        <>
          {!closed && open.length ? <OpenAllowances blockId={block.id} open={open} /> : null}
          {!closed ? <CustomerDoors doors={doors} blockId={block.id} /> : null}
          <AllowanceRequestForm blockId={block.id} countries={countries} labels={labels} closed={closed} />
        </>
      )}
    </BlockStep>
  );
}
