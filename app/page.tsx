import { redirect } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { AutoRefresh } from '@/components/auto-refresh';
import { listAccountsForUser } from '@/lib/accounts/queries';
import { isStaff } from '@/lib/auth/roles';
import { requireUser } from '@/lib/auth/session';
import { pageTitle } from '@/lib/i18n/page-title';
import { versionOf } from '@/lib/server/version';

export const generateMetadata = () => pageTitle('dashboard.title');

/**
 * The customer's accounts. Staff with no account of their own (every agent and admin who signed in
 * from the sign-in page, or from a link without a staff address) are sent to the support console: this
 * page would only tell them to ask their provider to add them.
 */
export default async function Dashboard() {
  const user = await requireUser('/');
  const t = await getTranslations('dashboard');
  const accounts = await listAccountsForUser(user.id);
  if (accounts.length === 0 && isStaff(user)) redirect('/staff');
  return (
    <div className="flex flex-col gap-6">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      {/* The switch places and lifts blocks on its own (a fraud wave blocks several accounts at once):
          the open page follows within half a minute, never while the tab is hidden, asking a
          short question each time and rendering again only when the answer changed. */}
      {accounts.length > 0 ? (
        <AutoRefresh
          everyMs={5000}
          maxMs={30_000}
          watch={{ url: '/api/version/dashboard', version: versionOf(accounts) }}
        />
      ) : null}
      {accounts.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        accounts.map((a) => <AccountCard key={a.id} account={a} />)
      )}
    </div>
  );
}
