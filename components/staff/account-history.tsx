import { Link } from '@/components/ui/link';
import type { StaffRequestView } from '@/lib/requests/detail';
import { useTranslations } from 'next-intl';
import { ListOr } from '@/components/ui/list-or';
import { When } from '@/components/ui/when';
import { KeptLines } from '@/components/ui/stored-text';
import { OpenAllowanceEntry } from './open-allowances';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

const list = 'mt-1 flex flex-col gap-1 text-sm';

/**
 * Earlier blocks and requests of the same account: a repeat "misdial" is a pattern worth knowing.
 * "Other requests" lists first the account's destination allowances still open (`openAllowances`:
 * waiting for a decision, on their way to the switch or in force; OpenAllowanceEntry, each a link to
 * its card on the account page), then its other unblock requests, newest first.
 */
export function AccountHistory({
  view,
}: {
  view: Pick<StaffRequestView, 'earlierBlocks' | 'otherRequests' | 'openAllowances'> & {
    account: { number: string };
  };
}) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.history');
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div>
        <h3 className="font-semibold">{t('blocks')}</h3>
        <ListOr items={view.earlierBlocks} empty={t('none')} className={list} emptyClassName="text-sm">
          {(b) => (
            <>
              <When at={shownPlacedAt(b)} />: {l(`reason.${b.reason}`)} · {l(`blockStatus.${b.status}`)}
              {b.liftedAt ? (
                <>
                  {' '}
                  (<When at={b.liftedAt} />)
                </>
              ) : (
                ''
              )}
            </>
          )}
        </ListOr>
      </div>
      <div>
        <h3 className="font-semibold">{t('requests')}</h3>
        {/* Its allowances still open, then its other unblock requests, in one list ("None." for neither). */}
        <ListOr
          items={[
            ...view.openAllowances.map((a) => ({ id: `allowance-${a.id}`, allowance: a, request: null })),
            ...view.otherRequests.map((r) => ({ id: r.id, allowance: null, request: r })),
          ]}
          empty={t('noneRequests')}
          className={list}
          emptyClassName="text-sm"
        >
          {({ allowance: a, request: r }) =>
            a ? (
              <OpenAllowanceEntry allowance={a} accountNumber={view.account.number} />
            ) : r ? (
              <>
                <Link href={`/staff/requests/${r.id}`} className="text-blue-800 underline">
                  <When at={r.createdAt} />: {l(`kind.${r.kind}`)}
                </Link>{' '}
                · {l(`requestStatus.${r.status}`)}
                {/* Support's words as typed, line breaks kept. */}
                {r.denyReason ? (
                  <>
                    {' (“'}
                    <KeptLines text={r.denyReason} />
                    {'”)'}
                  </>
                ) : null}
              </>
            ) : null
          }
        </ListOr>
      </div>
    </div>
  );
}
