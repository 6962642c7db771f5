import Link from 'next/link';
import type { StaffRequestView } from '@/lib/requests/detail';
import { BLOCK_STATUS, KIND, REASON, REQUEST_STATUS } from './labels';
import { When } from '@/components/ui/when';

/** Earlier blocks and requests of the same account: a repeat "misdial" is a pattern worth knowing. */
export function AccountHistory({ view }: { view: Pick<StaffRequestView, 'earlierBlocks' | 'otherRequests'> }) {
  return (
    <div className="grid gap-4 md:grid-cols-2">
      <div>
        <h3 className="font-semibold">Other blocks</h3>
        {view.earlierBlocks.length ? (
          <ul className="mt-1 flex flex-col gap-1 text-sm">
            {view.earlierBlocks.map((b) => (
              <li key={b.id}><When at={b.placedAt} />: {REASON[b.reason]} · {BLOCK_STATUS[b.status]}{b.liftedAt ? <> (<When at={b.liftedAt} />)</> : ''}</li>
            ))}
          </ul>
        ) : <p className="text-sm">None.</p>}
      </div>
      <div>
        <h3 className="font-semibold">Other requests</h3>
        {view.otherRequests.length ? (
          <ul className="mt-1 flex flex-col gap-1 text-sm">
            {view.otherRequests.map((r) => (
              <li key={r.id}>
                <Link href={`/staff/requests/${r.id}`} className="text-blue-800 underline"><When at={r.createdAt} />: {KIND[r.kind]}</Link> · {REQUEST_STATUS[r.status]}
                {r.denyReason ? ` (“${r.denyReason}”)` : ''}
              </li>
            ))}
          </ul>
        ) : <p className="text-sm">None.</p>}
      </div>
    </div>
  );
}
