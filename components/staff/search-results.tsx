import { SEARCH_MIN_CHARS, type SearchHit, type SearchMember } from '@/lib/staff/search';
import { useTranslations } from 'next-intl';

/**
 * A member as a mail client writes a mailbox (RFC 5322 name-addr): "María José Fernández López
 * <maria@clinica.example>", or the address alone when they gave no name. The name is what a search
 * by a person's name matched, so the agent sees why the account is listed.
 */
const mailbox = (m: SearchMember) => (m.name ? `${m.name} <${m.email}>` : m.email);

/**
 * One page of matching accounts (`q`: what was searched, searchedText, said back when none match): each links to its account page, and an account with pending
 * requests links to the queue filtered to it (`/staff?account=…`), where the agent opens them.
 * Plain links: a results page is rendered per search and needs no client component per hit.
 */
export function SearchResults({ hits, q, tooShort }: { hits: SearchHit[]; q: string; tooShort: boolean }) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.search');
  if (tooShort) return <p role="status">{t('tooShort', { min: SEARCH_MIN_CHARS })}</p>;
  // In <bdi>: a name in Arabic or Hebrew typed into the box keeps the sentence's quotes and full stop
  // where they belong (Unicode bidi isolation, as for any text a person typed inside a sentence).
  if (hits.length === 0) return <p role="status">{t.rich('none', { typed: () => <bdi>{q}</bdi> })}</p>;
  return (
    <ul className="flex flex-col gap-2" aria-label={t('label')}>
      {hits.map((a) => (
        <li key={a.number} className="rounded-md border border-slate-200 bg-white p-3">
          <a href={`/staff/accounts/${a.number}`} className="font-semibold text-blue-800 underline">
            {a.name} ({a.number})
          </a>
          <p className="text-sm">
            {a.openBlock ? t('blocked', { status: l(`blockStatus.${a.openBlock.status}`) }) : t('allowed')}
            {a.pendingRequests ? (
              <>
                {' · '}
                <a
                  href={`/staff?${new URLSearchParams({ account: a.number })}`}
                  className="text-blue-800 underline"
                >
                  {t('pending', { count: a.pendingRequests })}
                </a>
              </>
            ) : null}
          </p>
          <p className="text-sm text-slate-700">
            {t('people', {
              members: a.members.map(mailbox).join(', ') || t('nobody'),
              usernames: a.usernames.join(', ') || t('nobody'),
            })}
          </p>
        </li>
      ))}
    </ul>
  );
}
