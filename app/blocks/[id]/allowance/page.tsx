import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { AllowanceRequestForm, type RequestFormLabels } from '@/components/allowance/request-form';
import { allowableCountries } from '@/lib/allowances/rules';
import { requireUser } from '@/lib/auth/session';
import { getBlockForUser } from '@/lib/blocks/queries';

export default async function AllowancePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}/allowance`);
  const block = await getBlockForUser(user.id, id);
  if (!block) notFound();
  const t = await getTranslations('allowance');
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
        'submit',
        'sending',
      ] as const
    ).map((k) => [k, t(k)]),
  ) as RequestFormLabels;
  return (
    <div className="flex flex-col gap-4">
      <Link href={`/blocks/${block.id}`} className="text-sm text-blue-800 underline">
        {t('back')}
      </Link>
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      <p className="max-w-xl">{t('intro')}</p>
      {block.status !== 'active' ? (
        <p role="status">{t('notActive')}</p>
      ) : (
        <AllowanceRequestForm
          blockId={block.id}
          countries={allowableCountries(block.account.country, await getLocale())}
          labels={labels}
        />
      )}
    </div>
  );
}
