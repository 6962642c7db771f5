import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { listAccountsForUser } from '@/lib/accounts/queries';
import { requireUser } from '@/lib/auth/session';

export default async function Dashboard() {
  const user = await requireUser('/');
  const t = await getTranslations('dashboard');
  const accounts = await listAccountsForUser(user.id);
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      {accounts.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        accounts.map((a) => <AccountCard key={a.id} account={a} />)
      )}
    </div>
  );
}
