import { When } from '@/components/ui/when';
import { WithdrawButton } from '@/components/block/withdraw-button';

type Req = { id: string; kind: 'misdial' | 'firewall'; status: 'pending' | 'approved' | 'denied' | 'withdrawn'; createdAt: Date; decidedAt: Date | null; denyReason: string | null };

const KIND = { misdial: 'Misdial unblock request', firewall: 'Firewall hardened — unblock request' };
const STATUS = { pending: 'Pending: support will call you back', approved: 'Approved', denied: 'Denied', withdrawn: 'Withdrawn' };

export async function RequestList({ blockId, requests }: { blockId: string; requests: Req[] }) {
  return (
    <ul className="flex flex-col gap-3">
      {requests.map((r) => (
        <li key={r.id} className="rounded-md border border-slate-200 bg-white p-3">
          <p className="font-medium">{KIND[r.kind]}</p>
          <p className="text-sm text-slate-700">
            Sent <When at={r.createdAt} /> · <strong>{STATUS[r.status]}</strong>
          </p>
          {r.status === 'denied' && r.denyReason ? <p className="mt-1 text-sm">Reason from support: {r.denyReason}</p> : null}
          {r.status === 'pending' ? <WithdrawButton requestId={r.id} blockId={blockId} /> : null}
        </li>
      ))}
    </ul>
  );
}
