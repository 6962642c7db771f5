import { getTranslations } from 'next-intl/server';
import { When } from '@/components/ui/when';
import { KeptLines } from '@/components/ui/stored-text';
import { WithdrawButton } from '@/components/block/withdraw-button';
import { actorArgs } from '@/components/block/timeline';
import type { PageActor } from '@/lib/blocks/queries';

type Req = {
  id: string;
  kind: 'misdial' | 'firewall';
  /** `closed`: closed without a decision when the block was lifted (lib/requests/closed.ts). */
  status: 'pending' | 'approved' | 'denied' | 'withdrawn' | 'closed';
  createdAt: Date;
  decidedAt: Date | null;
  denyReason: string | null;
  /** Who sent it: the reader, or another member of the account (lib/blocks/queries.ts getBlockForUser). */
  submittedBy: PageActor;
  /** Who withdrew it, for a withdrawn one; else null. */
  withdrawnBy: PageActor | null;
};

/**
 * The unblock requests of a block, newest first, for every member of its account: each with its kind,
 * when and by whom it was sent ("by you", or the member's address), its status (a withdrawn one: by
 * whom), support's reason for a denial, and "Withdraw" while it waits (any member may withdraw it).
 */
export async function RequestList({ requests }: { requests: Req[] }) {
  const t = await getTranslations('block.request');
  return (
    <ul className="flex flex-col gap-3">
      {requests.map((r) => (
        <li key={r.id} className="rounded-md border border-slate-200 bg-white p-3">
          <p className="font-medium">{t('kind', { kind: r.kind })}</p>
          <p className="text-sm text-slate-700">
            {t.rich('sent', { at: () => <When at={r.createdAt} />, ...actorArgs(r.submittedBy) })} ·{' '}
            <strong>
              {r.status === 'withdrawn' && r.withdrawnBy
                ? t('withdrawnBy', actorArgs(r.withdrawnBy))
                : t('status', { status: r.status })}
            </strong>
          </p>
          {r.status === 'denied' && r.denyReason ? (
            // Support's words as typed, line breaks kept (components/ui/stored-text.tsx KeptLines).
            <p className="mt-1 text-sm">
              {t.rich('denyReason', { reason: () => <KeptLines text={r.denyReason} /> })}
            </p>
          ) : null}
          {r.status === 'pending' ? <WithdrawButton requestId={r.id} /> : null}
        </li>
      ))}
    </ul>
  );
}
