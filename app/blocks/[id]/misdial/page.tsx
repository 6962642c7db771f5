import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getFormatter, getLocale, getTranslations } from 'next-intl/server';
import { MisdialForm } from '@/components/block/misdial-form';
import { requireUser } from '@/lib/auth/session';
import { getBlockForUser } from '@/lib/blocks/queries';
import { describeDialled } from '@/lib/phone/format';
import { accountCountry } from '@/lib/phone/plan';
import { ZONED_SECONDS } from '@/lib/time/format';

export default async function MisdialPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await requireUser(`/blocks/${encodeURIComponent(id)}/misdial`);
  const block = await getBlockForUser(user.id, id);
  if (!block) notFound();
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
    <div className="flex flex-col gap-4">
      <Link href={`/blocks/${block.id}`} className="text-sm text-blue-800 underline">
        {t('back')}
      </Link>
      <h1 className="text-2xl font-bold">{t('misdial.title')}</h1>
      <p className="max-w-xl">{t('misdial.intro')}</p>
      {block.status !== 'active' ? (
        <p role="status">{t('inactive')}</p>
      ) : (
        <MisdialForm blockId={block.id} calls={calls} country={country} />
      )}
    </div>
  );
}
