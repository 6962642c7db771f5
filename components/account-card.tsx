import { Link } from '@/components/ui/link';
import { getFormatter, getTranslations } from 'next-intl/server';
import { DemoFraudControl } from '@/components/demo-fraud-control';
import { DataTable } from '@/components/ui/data-table';
import { UnsettledLine } from '@/components/sip/unsettled';
import { buttonClass, PAGE_LINK, TARGET_SIZE } from '@/components/ui/button-class';
import type { AccountSummary } from '@/lib/accounts/queries';
import { credentialLabel } from '@/lib/accounts/credential-name';
import { isDemo } from '@/lib/server/env';
import { ZONED } from '@/lib/time/format';

/**
 * One account on the dashboard and on its own page: status first, in words, then what to do and the
 * credentials. The status is what the switch confirmed: a block in force (or being lifted: still in
 * force until the switch confirms the lift); support's manual block on its way to the switch
 * (`blockOnItsWay`: the switch may already hold it, so neither "allowed" nor the demo's fraud
 * button); otherwise calling allowed.
 */
export async function AccountCard({ account }: { account: AccountSummary }) {
  const t = await getTranslations('dashboard');
  const tr = await getTranslations('reasons');
  const ts = await getTranslations('strength');
  const demo = await getTranslations('app.demo');
  const format = await getFormatter();
  const block = account.activeBlock;
  const headingId = `acct-${account.number}`;
  return (
    <section
      aria-labelledby={headingId}
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={headingId} className="text-xl font-semibold">
          {account.name} <span className="font-normal text-slate-600">{account.number}</span>
        </h2>
        <div className="flex flex-wrap gap-x-4 gap-y-2">
          <Link href={`/accounts/${account.number}`} className={`${PAGE_LINK} text-sm`}>
            {t('viewAccount')}
          </Link>
          {/* Past blocks, their timelines and decisions (the account page's history, app/accounts/
              [number]/page.tsx): a plain link, no read of its own on the dashboard. */}
          <Link href={`/accounts/${account.number}#history`} className={`${PAGE_LINK} text-sm`}>
            {t('history')}
          </Link>
        </div>
      </div>
      {block ? (
        <div className="mt-3 rounded-md border border-red-300 bg-red-50 p-3">
          <p className="font-semibold text-red-900">{t('blocked')}</p>
          <p className="text-sm text-red-950">
            {t('blockedSince', {
              // Never ahead of the clock (a switch node running fast): `since` is already shownPlacedAt's
              // earlier of placedAt and createdAt, taken in the dashboard's query (lib/accounts/queries.ts).
              at: format.dateTime(block.since, ZONED),
            })}
            . {block.inForce > 1 ? `${t('blocksInForce', { count: block.inForce })} ` : ''}
            {tr(block.reason)}
          </p>
          {block.status === 'lift_pending' ? (
            <p className="mt-1 text-sm font-medium text-amber-900">{t('waiting')}</p>
          ) : null}
          <Link
            href={`/blocks/${block.id}`}
            className={buttonClass('danger', `${TARGET_SIZE} mt-2 inline-flex items-center text-sm`)}
          >
            {t('viewBlock')}
          </Link>
        </div>
      ) : account.blockOnItsWay ? (
        <div className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-950">
          <p className="font-semibold">{t('blocking')}</p>
          <p className="text-sm">{t('blockingMayBe')}</p>
        </div>
      ) : (
        <>
          <p className="mt-3 rounded-md border border-emerald-300 bg-emerald-50 p-3 font-semibold text-emerald-900">
            {t('allowed')}
          </p>
          {isDemo() ? (
            <DemoFraudControl
              accountNumber={account.number}
              text={{
                intro: demo.rich('intro', { b: (c) => <strong>{c}</strong> }),
                asking: demo('asking'),
                simulate: demo('simulate'),
              }}
            />
          ) : null}
        </>
      )}
      <h3 className="mt-4 mb-2 font-semibold">{t('credentials')}</h3>
      <DataTable
        caption={t('credentialsOf', { name: account.name, number: account.number })}
        headers={(['credential', 'username', 'changed', 'strength'] as const).map((k) => t(k))}
        stack
      >
        {account.credentials.map((c) => (
          <tr key={c.id}>
            {/* A credential added without a label has its username as label: not twice in one row. */}
            <td>{credentialLabel(c) ?? '—'}</td>
            <td className="font-mono">
              <span className="unbroken">{c.username}</span>
            </td>
            <td>
              {c.passwordChangedAt ? format.dateTime(c.passwordChangedAt, ZONED) : t('never')}
              {c.unsettledCause ? (
                <UnsettledLine cause={c.unsettledCause} busyUntil={c.unsettledBusyUntil} />
              ) : null}
            </td>
            <td>{c.passwordScore === null ? t('unknown') : ts(String(c.passwordScore) as '0')}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}
