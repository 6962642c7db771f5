import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { AutoRefresh } from '@/components/auto-refresh';
import { getAccountForUser } from '@/lib/accounts/queries';
import { requireUser } from '@/lib/auth/session';
import { PageHead } from '@/components/ui/page-head';
import { pageTitle } from '@/lib/i18n/page-title';

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
  // A lift or support's manual block on its way to the switch: the page follows it until the switch
  // answers, as the block page does, and then shows what the switch confirmed.
  const waiting = account.blockOnItsWay || account.activeBlock?.status === 'lift_pending';
  return (
    <div className="flex flex-col gap-4">
      {waiting ? <AutoRefresh /> : null}
      <PageHead
        back={{ href: '/', label: t('back') }}
        title={t('title', { name: account.name, number: account.number })}
      />
      <AccountCard account={account} />
    </div>
  );
}
