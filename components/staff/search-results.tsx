import Link from 'next/link';
import type { SearchHit } from '@/lib/staff/search';
import { useTranslations } from 'next-intl';

export function SearchResults({ hits, q }: { hits: SearchHit[]; q: string }) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.search');
  if (hits.length === 0) return <p role="status">{t('none', { q })}</p>;
  return (
    <ul className="flex flex-col gap-2" aria-label={t('label')}>
      {hits.map((a) => (
        <li key={a.number} className="rounded-md border border-slate-200 bg-white p-3">
          <Link href={`/staff/accounts/${a.number}`} className="font-semibold text-blue-800 underline">
            {a.name} ({a.number})
          </Link>
          <p className="text-sm">
            {a.openBlock ? t('blocked', { status: l(`blockStatus.${a.openBlock.status}`) }) : t('allowed')}
            {a.pendingRequests ? ` · ${t('pending', { count: a.pendingRequests })}` : ''}
          </p>
          <p className="text-sm text-slate-700">
            {t('people', {
              members: a.members.join(', ') || t('nobody'),
              usernames: a.usernames.join(', ') || t('nobody'),
            })}
          </p>
        </li>
      ))}
    </ul>
  );
}
