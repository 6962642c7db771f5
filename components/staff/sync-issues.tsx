import Link from 'next/link';
import { When } from '@/components/ui/when';
import { ResolveSyncForm } from './resolve-sync-form';

type Item = { id: string; detectedAt: Date; portalState: string; switchState: string; action: string; detail: string | null; account: { number: string; name: string } };

const ACTION: Record<string, string> = {
  blocked_in_portal: 'The portal now shows the block the switch has.',
  reapplied_on_switch: 'The block is being placed again on the switch.',
};

/** Accounts where the portal and the switch disagreed: what each said, and what Tollgate did (blocked wins). */
export function SyncIssues({ items }: { items: Item[] }) {
  if (!items.length) return <p>None: the portal and the switch agree on every account checked.</p>;
  return (
    <ul className="flex flex-col gap-3">
      {items.map((i) => (
        <li key={i.id} className="rounded-md border border-red-300 bg-red-50 p-3">
          <article aria-labelledby={`sync-${i.id}`} className="flex flex-col gap-2">
            <h3 id={`sync-${i.id}`} className="font-semibold">
              <Link href={`/staff/accounts/${i.account.number}`} className="text-blue-800 underline">{i.account.name} ({i.account.number})</Link>: out of sync
            </h3>
            <p className="text-sm">Found <When at={i.detectedAt} /> · portal said <strong>{i.portalState}</strong>, switch said <strong>{i.switchState}</strong>. {ACTION[i.action] ?? i.action}</p>
            {i.detail ? <p className="text-sm">{i.detail}</p> : null}
            <ResolveSyncForm issueId={i.id} />
          </article>
        </li>
      ))}
    </ul>
  );
}
