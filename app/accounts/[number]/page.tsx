import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { getAccountForUser } from '@/lib/accounts/queries';
import { requireUser } from '@/lib/auth/session';
import { PageHead } from '@/components/ui/page-head';
import { pageTitle } from '@/lib/i18n/page-title';

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }) {
  return pageTitle('app.meta.account', { number: (await params).number });
}

export default async function AccountPage({ params }: { params: Promise<{ number: string }> }) {
  const { number } = await params;
  const user = await requireUser(`/accounts/${encodeURIComponent(number)}`);
  const account = await getAccountForUser(user.id, number);
  if (!account) notFound();
  const t = await getTranslations('account');
  return (
    <div className="flex flex-col gap-4">
      <PageHead
        back={{ href: '/', label: t('back') }}
        title={t('title', { name: account.name, number: account.number })}
      />
      <AccountCard account={account} />
    </div>
  );
}
