import { Suspense } from 'react';
import { Link } from '@/components/ui/link';
import type { StaffAccountView } from '@/lib/staff/account-detail';
import type { LiftHolds as Holds } from '@/lib/accounts/block-history';
import { useTranslations } from 'next-intl';
import { actorName } from '@/components/ui/actor-name';
import { ListOr } from '@/components/ui/list-or';
import { StoredText } from '@/components/ui/stored-text';
import { SwitchError } from '@/components/staff/switch-error';
import { withdrawnByTollgate } from '@/lib/switch/error-text';
import { When } from '@/components/ui/when';
import { LiftBlockForm } from './manual-block-forms';
import { LiftHolds } from './lift-holds';
import { RefusedLift } from './refused-lift';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';

/**
 * Blocks of the account, newest first; an in-force one can be lifted here. Each block has its lift
 * form whatever its status (closed unless the block is active), so that the answer to "Lift block"
 * stays on the page that shows the lift on its way. An active block says what its automatic lift
 * waits for (`holds`, lib/accounts/block-history.ts liftHoldsForStaff, by block id: LiftHolds), and,
 * by its "Lift block", that the switch refused the latest lift asked for it (RefusedLift, from the
 * page's own changes for the switch): the card read "In force" with "Lift block" offered again and
 * nothing else (a tester, 2026-12-07). A block whose lift is on its way (`lift_pending`) has its form
 * closed: its status line says "Lifting: waiting for the switch", and no "Lift block" is offered.
 */
export function AccountBlocks({
  account,
  holds,
  laterHolds = null,
}: {
  account: StaffAccountView;
  holds: ReadonlyMap<string, Holds>;
  /** The holds read again after the page's switch read (liftHoldsAfterRead), streamed in over `holds`. */
  laterHolds?: Promise<ReadonlyMap<string, Holds>> | null;
}) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.account');
  const who = useTranslations('actors');
  const otherActive = (id: string) => account.blocks.some((o) => o.id !== id && o.status === 'active');
  return (
    <ListOr
      items={account.blocks}
      empty={t('neverBlocked')}
      className="flex flex-col gap-3"
      itemClassName="rounded-md border border-slate-200 bg-white p-3"
    >
      {(b) => (
        <article aria-labelledby={`block-${b.id}`} className="flex flex-col gap-2">
          <h3 id={`block-${b.id}`} className="font-semibold">
            {t.rich('blockTitle', {
              reason: l(`reason.${b.reason}`),
              when: () => <When at={shownPlacedAt(b)} />,
            })}
          </h3>
          <p className="text-sm">
            {b.liftedAt
              ? t.rich('blockLineLifted', {
                  status: l(`blockStatus.${b.status}`),
                  by: actorName(who, b.placedBy),
                  // "none" for a block lifted before Tollgate kept who lifted it.
                  liftedBy: b.liftedBy ? actorName(who, b.liftedBy) : 'none',
                  calls: b.calls,
                  when: () => <When at={b.liftedAt!} />,
                })
              : t('blockLine', {
                  status: l(`blockStatus.${b.status}`),
                  by: actorName(who, b.placedBy),
                  calls: b.calls,
                })}
          </p>
          {b.note ? (
            <p className="text-sm">
              <span className="font-medium">{t('supportNote')}</span> <StoredText value={b.note} />
            </p>
          ) : null}
          {laterHolds ? (
            <Suspense fallback={<LiftHolds holds={holds.get(b.id)} otherActive={otherActive(b.id)} />}>
              <LaterLiftHolds later={laterHolds} blockId={b.id} otherActive={otherActive(b.id)} />
            </Suspense>
          ) : (
            <LiftHolds holds={holds.get(b.id)} otherActive={otherActive(b.id)} />
          )}
          <RefusedLift block={b} operations={account.operations} />
          <LiftBlockForm
            blockId={b.id}
            closed={b.status !== 'active'}
            otherBlocks={
              b.status === 'active'
                ? account.blocks
                    .filter((o) => o.id !== b.id && o.status === 'active')
                    .map((o) => ({
                      id: o.id,
                      reason: o.reason,
                      placedAt: o.placedAt.toISOString(),
                      createdAt: o.createdAt.toISOString(),
                      calls: o.calls,
                    }))
                : []
            }
          />
        </article>
      )}
    </ListOr>
  );
}

export function AccountRequests({ account }: { account: StaffAccountView }) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.account');
  return (
    <ListOr items={account.requests} empty={t('noRequests')} className="flex flex-col gap-1">
      {(r) => (
        <>
          <Link href={`/staff/requests/${r.id}`} className="text-blue-800 underline">
            <When at={r.createdAt} />: {l(`kind.${r.kind}`)}
          </Link>{' '}
          · {l(`requestStatus.${r.status}`)}
        </>
      )}
    </ListOr>
  );
}

/** The kinds of switch operation (lib/blocks/lifecycle.ts, lib/allowances/operations.ts), each named in the catalogue. */
const OP_KINDS = ['lift', 'block', 'reapply', 'allowance_put', 'allowance_delete'] as const;

/** What Tollgate asked the switch to do for this account, and what came of it. */
export function SwitchOperations({ account }: { account: StaffAccountView }) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.account');
  const who = useTranslations('actors');
  return (
    <ListOr
      items={account.operations}
      empty={t('noOperations', { days: account.operationsKeptDays })}
      className="flex flex-col gap-1 text-sm"
    >
      {(o) => (
        <>
          <When at={o.createdAt} />:{' '}
          {t('operation', {
            kind: (OP_KINDS as readonly string[]).includes(o.kind)
              ? l(`opKind.${o.kind as (typeof OP_KINDS)[number]}`)
              : o.kind,
            by: o.actor ? actorName(who, o.actor) : t('unknownActor'),
          })}{' '}
          {/* A change Tollgate withdrew itself (a lift a new block cancelled) was not refused by the switch. */}
          · <strong>{l(`opStatus.${withdrawnByTollgate(o) ? 'withdrawn' : o.status}`)}</strong>
          {o.attempts ? ` · ${t('attempts', { count: o.attempts })}` : ''}
          {o.lastError && o.status !== 'done' ? (
            <>
              {' · '}
              <SwitchError error={o.lastError} />
            </>
          ) : null}
        </>
      )}
    </ListOr>
  );
}

/** One block's holds once the page's switch read has been recorded (AccountBlocks' `laterHolds`). */
async function LaterLiftHolds({
  later,
  blockId,
  otherActive,
}: {
  later: Promise<ReadonlyMap<string, Holds>>;
  blockId: string;
  otherActive: boolean;
}) {
  return <LiftHolds holds={(await later).get(blockId)} otherActive={otherActive} />;
}
