import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { getAccountForUser } from '@/lib/accounts/queries';
import { requireUser } from '@/lib/auth/session';

export default async function AccountPage({ params }: { params: Promise<{ number: string }> }) {
  const { number } = await params;
  const user = await requireUser(`/accounts/${encodeURIComponent(number)}`);
  const account = await getAccountForUser(user.id, number);
  if (!account) notFound();
  const t = await getTranslations('account');
  return (
    <div className="flex flex-col gap-4">
      <Link href="/" className="text-sm text-blue-800 underline">
        {t('back')}
      </Link>
      <h1 className="text-2xl font-bold">{t('title', { name: account.name, number: account.number })}</h1>
      <AccountCard account={account} />
    </div>
  );
}
