import type { ReactNode } from 'react';
import { Link } from '@/components/ui/link';
import { getLocale, getTimeZone, getTranslations } from 'next-intl/server';
import { MisdialForm } from '@/components/block/misdial-form';
import { callShown } from '@/components/block/trigger-calls';
import { phoneOnFileForUser } from '@/lib/accounts/phone-on-file';
import { countryName, exampleNumber } from '@/lib/phone/format';
import { intlTag } from '@/lib/i18n/locales';
import { accountCountry } from '@/lib/phone/plan';
import { prefixSlip } from '@/lib/requests/dialling';
import { MAX_MARKED_CALLS } from '@/lib/requests/submit';
import { formatZoned } from '@/lib/time/format';
import { BlockStep } from '@/components/block/block-step';
import { PendingRequest } from '@/components/block/pending-notice';
import { blockPageTitle, ownBlock } from '../own-block';

export const generateMetadata = ({ params }: { params: Promise<{ id: string }> }) =>
  blockPageTitle(params, 'unblock.misdial.title');

export default async function MisdialPage({ params }: { params: Promise<{ id: string }> }) {
  // The latest calls, as many as a request may mark; a block with more links to the rest.
  const { user, block } = await ownBlock(params, '/misdial', MAX_MARKED_CALLS);
  // The account's callback number on file, so the customer need not type it on a phone.
  const phone = await phoneOnFileForUser(user.id, block.account.id);
  const timeZone = await getTimeZone();
  const t = await getTranslations('unblock');
  const b = await getTranslations('block');
  const locale = await getLocale();
  const country = accountCountry(block.account.country);
  // Each call's number and SIP username on one line, as the customer reads them back to support.
  // As the block page's table shows them (callShown): a direction override the switch passed on
  // in a number or a name is written out, and cannot reverse the label it stands in.
  const calls = block.calls.map((c) => {
    const { dialled: d, number, credential } = callShown(c, country, locale);
    const values = {
      at: formatZoned(c.at, { locale, timeZone, seconds: true }),
      number,
      credential,
      unbroken: (chunks: ReactNode) => <span className="unbroken">{chunks}</span>,
    };
    return {
      id: c.id,
      label: d.countryName
        ? t.rich('misdial.callCountry', { ...values, country: d.countryName })
        : t.rich('misdial.call', values),
    };
  });
  // One request per block at a time: a pending one is said up front, not after the form is filled in.
  const pending = block.requests.find((r) => r.status === 'pending');
  return (
    <BlockStep
      block={block}
      copy={{
        title: t('misdial.title'),
        intro: t('misdial.intro', { count: calls.length }),
        inactive: t('inactive'),
      }}
      instead={pending ? <PendingRequest blockId={block.id} request={pending} /> : undefined}
    >
      {(closed) => (
        <>
          {!closed && block.callCount > calls.length ? (
            <p className="text-sm">
              {b('callsShown', { shown: calls.length, count: block.callCount })}{' '}
              <Link href={`/blocks/${block.id}/calls`} className="font-medium text-blue-800 underline">
                {b('callsAll', { count: block.callCount })}
              </Link>
            </p>
          ) : null}
          <MisdialForm
            blockId={block.id}
            calls={calls}
            country={countryName(country, intlTag(locale))}
            example={exampleNumber(country)}
            slip={prefixSlip(
              block.calls.map((c) => c.to),
              country,
            )}
            closed={closed}
            phone={phone}
          />
        </>
      )}
    </BlockStep>
  );
}
