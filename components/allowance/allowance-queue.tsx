import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { getLocale, getTranslations } from 'next-intl/server';
import { intlTag } from '@/lib/i18n/locales';
import type { CurrentUser } from '@/lib/auth/session';
import { allowanceCardHref } from '@/lib/allowances/href';
import type { QueueTaken } from '@/lib/requests/queue-filter';
import { pendingAllowanceRequests } from '@/lib/allowances/queries';
import { countryName } from '@/lib/phone/format';
import { formatWhen } from '@/lib/time/format';
import { Section } from '@/components/ui/section';

/**
 * The staff home's list of destination-allowance requests waiting for a callback (issue 16), oldest
 * first, a page at a time: `after` is the decoded cursor of this list's page (null = the oldest),
 * `pageHref(cursor)` the link to another of its pages (null = the oldest), which keeps the unblock
 * queue's own page. The heading counts every waiting request, as the list can reach them all. Each
 * request says whether an agent has taken it (who, since and until when: lib/allowances/claim.ts), in
 * the unblock queue's words (components/staff/queue-list.tsx). `taken`: the queue's "Taken" filter
 * (nobody holds it, the reader does, anyone does), which the list and its count keep; `shownAs`: the
 * desk's filter in words ("Destination allowance · Not taken"), said under the heading.
 */
export async function AllowanceQueue({
  user,
  after,
  pageHref,
  taken,
  shownAs,
}: {
  user: CurrentUser;
  after: { at: Date; id: string } | null;
  pageHref: (cursor: string | null) => string;
  taken?: QueueTaken;
  shownAs?: string;
}) {
  const [page, t, desk] = await Promise.all([
    pendingAllowanceRequests(user, after, { taken }),
    getTranslations('staff.allowances'),
    getTranslations('staff.desk'),
  ]);
  const { items } = page;
  return (
    <Section
      id="allowance-queue-title"
      title={t('queueTitle', { count: page.total, capped: page.capped ? 'yes' : 'no' })}
    >
      {shownAs ? <p>{desk('filtered', { filters: shownAs })}</p> : null}
      {page.total > items.length && !after ? <p>{t('showingOldest', { count: items.length })}</p> : null}
      {items.length === 0 ? (
        <p>{t('queueNone')}</p>
      ) : (
        <WaitingAllowanceList items={items} timeZone={user.timeZone} />
      )}
      {page.next || after ? (
        <nav aria-label={t('queuePages')} className="flex gap-4">
          {after ? (
            <Link href={pageHref(null)} className={PAGE_LINK}>
              {t('queueOldest')}
            </Link>
          ) : null}
          {page.next ? (
            <Link href={pageHref(page.next)} className={PAGE_LINK}>
              {t('queueLater')}
            </Link>
          ) : null}
        </nav>
      ) : null}
    </Section>
  );
}

/** One waiting allowance request as WaitingAllowanceList shows it (a page of pendingAllowanceRequests, or one account's: lib/staff/account-allowances.ts). */
export type WaitingAllowance = {
  id: string;
  account: { name: string; number: string };
  country: string;
  hours: number;
  createdAt: Date;
  claim: { by: string; mine: boolean; since: Date; until: Date } | null;
};

/**
 * Waiting allowance requests as a list, each a link to its card on the account page (where it is
 * taken and decided) with when it was asked and who has taken it (who, since and until when, in the
 * unblock queue's words), times in `timeZone` (IANA). For the whole desk's list (AllowanceQueue) and
 * one account's (app/staff/page.tsx), which show them alike.
 */
export async function WaitingAllowanceList({
  items,
  timeZone,
}: {
  items: WaitingAllowance[];
  timeZone: string;
}) {
  const [t, desk, locale] = await Promise.all([
    getTranslations('staff.allowances'),
    getTranslations('staff.desk'),
    getLocale(),
  ]);
  const when = (d: Date) => formatWhen(d, timeZone, { locale: intlTag(locale) });
  const at = (d: Date) => <time dateTime={d.toISOString()}>{when(d)}</time>;
  const claimLine = (c: NonNullable<WaitingAllowance['claim']>) =>
    desk.rich(c.mine ? 'takenByYou' : 'takenBy', {
      by: c.by,
      since: () => at(c.since),
      until: () => at(c.until),
    });
  return (
    <ul className="flex flex-col gap-2">
      {items.map((a) => (
        <li key={a.id} className="rounded-md border border-slate-200 bg-white p-3">
          <Link
            href={allowanceCardHref(a.account.number, a.id)}
            className="font-medium text-blue-800 underline"
          >
            {t('queueLink', {
              name: a.account.name,
              number: a.account.number,
              country: countryName(a.country, locale),
              code: a.country,
              hours: a.hours,
            })}
          </Link>
          <span className="text-sm text-slate-700"> · {t('queueAsked', { at: when(a.createdAt) })}</span>
          {a.claim ? (
            <p className="mt-2 w-fit rounded-md border border-amber-300 bg-amber-50 px-2 py-1 text-sm text-amber-950">
              {claimLine(a.claim)}
            </p>
          ) : (
            <p className="mt-2 text-sm font-medium">{desk('notTaken')}</p>
          )}
        </li>
      ))}
    </ul>
  );
}
