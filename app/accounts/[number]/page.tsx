import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { AutoRefresh } from '@/components/auto-refresh';
import { getAccountForUser } from '@/lib/accounts/queries';
import { requireUser } from '@/lib/auth/session';
import { PageHead } from '@/components/ui/page-head';
import { pageTitle } from '@/lib/i18n/page-title';
import { versionOf } from '@/lib/server/version';

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }) {
  return pageTitle('app.meta.account', { number: (await params).number });
}

/**
 * One of the customer's accounts by number (`/accounts/ACC-…`): its card as on the dashboard, or the
 * "not on your accounts" answer (404) for a number that is not one of theirs.
 */
export default async function AccountPage({ params }: { params: Promise<{ number: string }> }) {
  const { number } = await params;
  const user = await requireUser(`/accounts/${encodeURIComponent(number)}`);
  const account = await getAccountForUser(user.id, number);
  if (!account) notFound();
  const t = await getTranslations('account');
  // The page follows the switch as the dashboard does: a block placed or lifted while it is open
  // shows within half a minute, asked as a short question (the fingerprint of this account's card,
  // /api/version/accounts/{number}) and rendered again only when the answer changed; every 2 to 10 s
  // while a lift or support's manual block waits for the switch.
  const waiting = account.blockOnItsWay || account.activeBlock?.status === 'lift_pending';
  return (
    <div className="flex flex-col gap-4">
      <AutoRefresh
        everyMs={waiting ? 2000 : 5000}
        maxMs={waiting ? 10_000 : 30_000}
        watch={{
          url: `/api/version/accounts/${encodeURIComponent(account.number)}`,
          version: versionOf(account),
        }}
      />
      <PageHead
        back={{ href: '/', label: t('back') }}
        title={t('title', { name: account.name, number: account.number })}
      />
      <AccountCard account={account} />
    </div>
  );
}
