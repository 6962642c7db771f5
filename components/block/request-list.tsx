import { getTranslations } from 'next-intl/server';
import { When } from '@/components/ui/when';
import { KeptLines } from '@/components/ui/stored-text';
import { WithdrawButton } from '@/components/block/withdraw-button';
import { actorArgs } from '@/components/block/timeline';
import type { PageActor } from '@/lib/blocks/queries';
import { denialCallback } from '@/lib/requests/denial-callback';

type Req = {
  id: string;
  kind: 'misdial' | 'firewall';
  /** `closed`: closed without a decision when the block was lifted (lib/requests/closed.ts). */
  status: 'pending' | 'approved' | 'denied' | 'withdrawn' | 'closed';
  createdAt: Date;
  decidedAt: Date | null;
  denyReason: string | null;
  /**
   * The request's decisionNote as stored, for a denial's callback (lib/requests/denial-callback.ts:
   * only a denial's own callback note is ever shown, never an approval's note). Absent or null: none said.
   */
  decisionNote?: string | null;
  /** Who sent it: the reader, or another member of the account (lib/blocks/queries.ts getBlockForUser). */
  submittedBy: PageActor;
  /** Who withdrew it, for a withdrawn one; else null. */
  withdrawnBy: PageActor | null;
};

/**
 * The unblock requests of a block, newest first, for every member of its account: each with its kind,
 * when and by whom it was sent ("by you", or the member's address), its status (a withdrawn one: by
 * whom), for a denial the callback support made before deciding (spoke with the account holder, or
 * could not reach them; nothing for a denial recorded before the choice) and support's reason, and
 * "Withdraw" while it waits (any member may withdraw it).
 */
export async function RequestList({ requests }: { requests: Req[] }) {
  const t = await getTranslations('block.request');
  return (
    <ul className="flex flex-col gap-3">
      {requests.map((r) => {
        const callback = denialCallback({ status: r.status, decisionNote: r.decisionNote ?? null });
        return (
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
            {callback ? <p className="mt-1 text-sm">{t('callback', { callback })}</p> : null}
            {r.status === 'denied' && r.denyReason ? (
              // Support's words as typed, line breaks kept (components/ui/stored-text.tsx KeptLines).
              <p className="mt-1 text-sm">
                {t.rich('denyReason', { reason: () => <KeptLines text={r.denyReason} /> })}
              </p>
            ) : null}
            {r.status === 'pending' ? <WithdrawButton requestId={r.id} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
