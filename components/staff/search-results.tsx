import Link from 'next/link';
import type { SearchHit } from '@/lib/staff/search';
import { useTranslations } from 'next-intl';

export function SearchResults({ hits, q }: { hits: SearchHit[]; q: string }) {
  const l = useTranslations('staff.labels');
  if (hits.length === 0) return <p role="status">No account matches “{q}”.</p>;
  return (
    <ul className="flex flex-col gap-2" aria-label="Matching accounts">
      {hits.map((a) => (
        <li key={a.number} className="rounded-md border border-slate-200 bg-white p-3">
          <Link href={`/staff/accounts/${a.number}`} className="font-semibold text-blue-800 underline">{a.name} ({a.number})</Link>
          <p className="text-sm">
            {a.openBlock ? `International calling blocked · ${l(`blockStatus.${a.openBlock.status}`)}` : 'International calling allowed'}
            {a.pendingRequests ? ` · ${a.pendingRequests} pending request${a.pendingRequests > 1 ? 's' : ''}` : ''}
          </p>
          <p className="text-sm text-slate-700">Members: {a.members.join(', ') || 'none'} · SIP: {a.usernames.join(', ') || 'none'}</p>
        </li>
      ))}
    </ul>
  );
}
