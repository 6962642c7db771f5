import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getTranslations } from 'next-intl/server';
import { StaffAllowances } from '@/components/allowance/staff-allowances';
import { AutoRefresh } from '@/components/auto-refresh';
import { AccountBlocks, AccountRequests, SwitchOperations } from '@/components/staff/account-blocks';
import { PlaceBlockForm } from '@/components/staff/manual-block-forms';
import { requireStaff } from '@/lib/auth/session';
import { getAccountForStaff } from '@/lib/staff/account-detail';

export default async function StaffAccountPage({ params }: { params: Promise<{ number: string }> }) {
  const user = await requireStaff();
  const t = await getTranslations('staff.account');
  const a = await getAccountForStaff(user, (await params).number);
  if (!a) notFound();
  const inForce = a.blocks.some((b) => b.status === 'active' || b.status === 'lift_pending');
  const placing = a.operations.some((o) => o.kind === 'block' && o.status === 'pending');
  const waiting = a.operations.some((o) => o.status === 'pending');
  const refused =
    a.operations[0]?.kind === 'block' && a.operations[0].status === 'failed' ? a.operations[0] : null;
  return (
    <div className="flex flex-col gap-8">
      {waiting ? <AutoRefresh /> : null}
      <div className="flex flex-col gap-2">
        <Link href="/staff" className="text-sm text-blue-800 underline">
          {t('back')}
        </Link>
        <h1 className="text-2xl font-bold">
          {a.name} ({a.number})
        </h1>
        <div role="status" aria-live="polite">
          <p className="font-semibold">
            {inForce ? t('blocked') : t('allowed')}
            {placing ? ` · ${t('placing')}` : ''}
          </p>
          {refused ? (
            <p className="text-red-900">{t('refused', { error: refused.lastError ?? '' })}</p>
          ) : null}
        </div>
        <p className="text-sm text-slate-700">
          {t('facts', {
            country: a.country,
            timeZone: a.timeZone,
            members: a.members.map((m) => m.email).join(', ') || t('nobody'),
            usernames: a.credentials.map((c) => c.username).join(', ') || t('nobody'),
          })}
        </p>
      </div>

      {!inForce && !placing ? (
        <section aria-labelledby="place-title" className="flex flex-col gap-3">
          <h2 id="place-title" className="text-xl font-semibold">
            {t('placeTitle')}
          </h2>
          <p>{t('placeIntro')}</p>
          <PlaceBlockForm accountNumber={a.number} />
        </section>
      ) : null}

      <section aria-labelledby="blocks-title" className="flex flex-col gap-3">
        <h2 id="blocks-title" className="text-xl font-semibold">
          {t('blocks')}
        </h2>
        <AccountBlocks account={a} />
      </section>

      <section aria-labelledby="requests-title" className="flex flex-col gap-3">
        <h2 id="requests-title" className="text-xl font-semibold">
          {t('requests')}
        </h2>
        <AccountRequests account={a} />
      </section>

      <StaffAllowances user={user} account={a} blocked={inForce} />

      <section aria-labelledby="ops-title" className="flex flex-col gap-3">
        <h2 id="ops-title" className="text-xl font-semibold">
          {t('operations')}
        </h2>
        <SwitchOperations account={a} />
      </section>
    </div>
  );
}
