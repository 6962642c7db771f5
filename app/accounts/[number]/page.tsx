import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { AccountCard } from '@/components/account-card';
import { AccountHistory } from '@/components/account-history';
import { AutoRefresh } from '@/components/auto-refresh';
import { getAccountForUser } from '@/lib/accounts/queries';
import { blockHistoryForUser } from '@/lib/accounts/block-history';
import { requireUser } from '@/lib/auth/session';
import { PageHead } from '@/components/ui/page-head';
import { pageTitle } from '@/lib/i18n/page-title';
import { versionOf } from '@/lib/server/version';

export async function generateMetadata({ params }: { params: Promise<{ number: string }> }) {
  return pageTitle('app.meta.account', { number: (await params).number });
}

/**
 * One of the customer's accounts by number (`/accounts/ACC-…`): its card as on the dashboard, then its
 * block history (components/account-history.tsx: every block, newest first, ten a page; `?history=
 * {block id}` lists those older than that block, lib/accounts/block-history.ts), or the "not on your
 * accounts" answer (404) for a number that is not one of theirs. Both reads are scoped to the
 * member in their statements, and asked together.
 */
export default async function AccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ number: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { number } = await params;
  const user = await requireUser(`/accounts/${encodeURIComponent(number)}`);
  const { history: after } = await searchParams;
  const [account, history] = await Promise.all([
    getAccountForUser(user.id, number),
    // A repeated `?history=` (an array) is no block id: the first page.
    blockHistoryForUser(user.id, number, typeof after === 'string' ? after : null),
  ]);
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
      <AccountHistory history={history} base={`/accounts/${encodeURIComponent(account.number)}`} />
    </div>
  );
}
