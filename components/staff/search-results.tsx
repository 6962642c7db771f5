import { SEARCH_MIN_CHARS, type SearchHit, type SearchMember } from '@/lib/staff/search';
import { useTranslations } from 'next-intl';
import { PAGE_LINK } from '@/components/ui/button-class';
import { FocusOnArrival } from '@/components/ui/focus-on-arrival';

/**
 * A member as a mail client writes a mailbox (RFC 5322 name-addr): "María José Fernández López
 * <maria@clinica.example>", or the address alone when they gave no name. The name is what a search
 * by a person's name matched, so the agent sees why the account is listed.
 */
const mailbox = (m: SearchMember) => (m.name ? `${m.name} <${m.email}>` : m.email);

/**
 * One page of matching accounts (`q`: what was searched, searchedText, said back; `more`: a later page
 * follows): each links to its account page, and an account with requests waiting (unblock or
 * allowance requests, counted apart) links to the queue filtered to it (`/staff?account=…`), which
 * lists both, where the agent opens them. Plain links: a results page is
 * rendered per search and needs no client component per hit.
 * It opens with one sentence that answers the search (too short, none, or how many on this page),
 * which takes the keyboard focus when it arrives (break-29: the search is a GET form, so the page
 * loaded anew with the focus at its top, and a screen reader heard the same title for every search;
 * the agent had to hunt for the answer). The caller keys it by the search and page, so each one
 * arrives anew.
 */
export function SearchResults({
  hits,
  q,
  tooShort,
  more,
}: {
  hits: SearchHit[];
  q: string;
  tooShort: boolean;
  more: boolean;
}) {
  const l = useTranslations('staff.labels');
  const t = useTranslations('staff.search');
  // In <bdi>: a name in Arabic or Hebrew typed into the box keeps the sentence's quotes and full stop
  // where they belong (Unicode bidi isolation, as for any text a person typed inside a sentence). Whole,
  // not cut as other values said back are (saidBack): it is exactly what was searched (searchedText,
  // at most 100 characters), and "No account matches" must name that.
  const typed = () => <bdi>{q}</bdi>;
  // Every request of theirs that waits, each kind worded apart: "1 unblock request, 1 allowance
  // request waiting" (until 2026-12-07 "1 pending request", which counted unblock requests only).
  const waiting = (a: SearchHit) =>
    t('waiting', {
      requests: [
        a.pendingRequests ? t('unblockRequests', { count: a.pendingRequests }) : null,
        a.pendingAllowances ? t('allowanceRequests', { count: a.pendingAllowances }) : null,
      ]
        .filter((w): w is string => w !== null)
        .join(', '),
    });
  const answer = (
    <div role="status">
      <FocusOnArrival look="answer">
        {tooShort
          ? t('tooShort', { min: SEARCH_MIN_CHARS })
          : hits.length === 0
            ? t.rich('none', { typed })
            : t.rich('found', { count: hits.length, more: more ? 'yes' : 'no', typed })}
      </FocusOnArrival>
    </div>
  );
  if (tooShort || hits.length === 0) return answer;
  return (
    <>
      {answer}
      <ul className="flex flex-col gap-2" aria-label={t('label')}>
        {hits.map((a) => (
          <li key={a.number} className="rounded-md border border-slate-200 bg-white p-3">
            <a href={`/staff/accounts/${a.number}`} className={`${PAGE_LINK} font-semibold`}>
              {a.name} ({a.number})
            </a>
            <p className="text-sm">
              {a.openBlock ? t('blocked', { status: l(`blockStatus.${a.openBlock.status}`) }) : t('allowed')}
              {a.pendingRequests || a.pendingAllowances ? (
                <>
                  {' · '}
                  <a
                    href={`/staff?${new URLSearchParams({ account: a.number })}`}
                    className="text-blue-800 underline"
                  >
                    {waiting(a)}
                  </a>
                </>
              ) : null}
            </p>
            <p className="text-sm text-slate-700">
              {t('people', {
                members:
                  a.members
                    .map((m) => (m.disabled ? t('memberDisabled', { member: mailbox(m) }) : mailbox(m)))
                    .join(', ') || t('nobody'),
                usernames: a.usernames.join(', ') || t('nobody'),
              })}
            </p>
          </li>
        ))}
      </ul>
    </>
  );
}
