import { getTranslations } from 'next-intl/server';
import { When } from '@/components/ui/when';
import { KeptLines } from '@/components/ui/stored-text';
import { WithdrawButton } from '@/components/block/withdraw-button';

type Req = {
  id: string;
  kind: 'misdial' | 'firewall';
  /** `closed`: closed without a decision when the block was lifted (lib/requests/closed.ts). */
  status: 'pending' | 'approved' | 'denied' | 'withdrawn' | 'closed';
  createdAt: Date;
  decidedAt: Date | null;
  denyReason: string | null;
};

export async function RequestList({ requests }: { requests: Req[] }) {
  const t = await getTranslations('block.request');
  return (
    <ul className="flex flex-col gap-3">
      {requests.map((r) => (
        <li key={r.id} className="rounded-md border border-slate-200 bg-white p-3">
          <p className="font-medium">{t('kind', { kind: r.kind })}</p>
          <p className="text-sm text-slate-700">
            {t.rich('sent', { at: () => <When at={r.createdAt} /> })} ·{' '}
            <strong>{t('status', { status: r.status })}</strong>
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
