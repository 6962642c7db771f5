import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { getLocale, getTranslations } from 'next-intl/server';
import { AllowanceQueue } from '@/components/allowance/allowance-queue';
import { QueueList } from '@/components/staff/queue-list';
import { QueueWatch } from '@/components/staff/queue-watch';
import { SearchResults } from '@/components/staff/search-results';
import { ClientMessages } from '@/components/i18n/client-messages';
import { SyncIssues } from '@/components/staff/sync-issues';
import { requireStaff, type CurrentUser } from '@/lib/auth/session';
import { openSyncIssues } from '@/lib/blocks/queries';
import { STAFF_QUEUE_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';
import { listQueue } from '@/lib/requests/queue';
import { readAccountFilter } from '@/lib/staff/account-filter';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import { SEARCH_MIN_CHARS, searchAccounts, searchCursor, searchedText } from '@/lib/staff/search';
import { typedText } from '@/lib/server/control-characters';
import { Section } from '@/components/ui/section';
import { Field } from '@/components/ui/field';
import { SubmitButton } from '@/components/ui/submit-button';
import { pageTitle } from '@/lib/i18n/page-title';

export const generateMetadata = () => pageTitle('staff.title');

type Params = Record<string, string | string[] | undefined>;
const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v) || undefined;
const link = (p: Record<string, string | null | undefined>) => {
  const qs = new URLSearchParams(Object.entries(p).filter((e): e is [string, string] => !!e[1])).toString();
  return qs ? `/staff?${qs}` : '/staff';
};

// Three views of one page (docs/staff-console.md, "Queue and search"): `?q=` is a search and shows
// only its results; `?account=ACC-…` is the queue of one account; otherwise the queue, 25 a page.
export default async function StaffHome({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const t = await getTranslations('staff');
  const sp = await searchParams;
  const q = first(sp.q)?.trim() ?? '';
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      {q ? (
        <SearchView user={user} q={q} searchAfter={first(sp.searchAfter)} />
      ) : (
        <QueueView
          user={user}
          account={first(sp.account)}
          queueAfter={first(sp.queueAfter)}
          allowanceAfter={first(sp.allowanceAfter)}
          syncAfter={first(sp.syncAfter)}
        />
      )}
    </div>
  );
}

async function SearchForm({ q }: { q: string }) {
  const t = await getTranslations('staff.home');
  return (
    <form role="search" action="/staff" method="get" className="flex flex-wrap items-end gap-3">
      <Field
        name="q"
        label={t('searchLabel')}
        hint={t('searchHint')}
        type="search"
        defaultValue={q}
        minLength={SEARCH_MIN_CHARS}
        className="w-80 max-w-full"
      />
      <SubmitButton>{t('searchButton')}</SubmitButton>
    </form>
  );
}

/** A search: its results and their pages, and the way back to the queue; not the queue itself. */
async function SearchView({ user, q, searchAfter }: { user: CurrentUser; q: string; searchAfter?: string }) {
  const t = await getTranslations('staff');
  const after = readCursor(searchCursor, searchAfter);
  const search = await searchAccounts(user, q, after.ok ? after.key : null);
  return (
    <>
      {!after.ok ? <p role="status">{t('badCursor')}</p> : null}
      <p>
        <Link href="/staff" className="text-blue-800 underline">
          {t('home.backToQueue')}
        </Link>
      </p>
      <Section id="search-title" title={t('home.search')}>
        <SearchForm q={q} />
        <SearchResults
          key={`${q}\n${searchAfter ?? ''}`}
          hits={search.hits}
          q={searchedText(q)}
          tooShort={search.tooShort}
          more={search.next !== null}
        />
        {search.next || after.key ? (
          <nav aria-label={t('search.pages')} className="flex gap-4">
            {after.key ? (
              <Link href={link({ q })} className={PAGE_LINK}>
                {t('search.first')}
              </Link>
            ) : null}
            {search.next ? (
              <Link href={link({ q, searchAfter: search.next })} className={PAGE_LINK}>
                {t('search.more')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Section>
    </>
  );
}

/**
 * The queue, oldest first, QUEUE_PAGE a page with keyset links, or one account's requests when
 * `account` is an account number (a search hit links there). A malformed `account` says so and
 * shows the whole queue.
 */
async function QueueView({
  user,
  account: rawAccount,
  queueAfter,
  allowanceAfter,
  syncAfter,
}: {
  user: CurrentUser;
  account?: string;
  queueAfter?: string;
  allowanceAfter?: string;
  syncAfter?: string;
}) {
  const t = await getTranslations('staff');
  // Read as the search box reads what is typed: a number pasted with invisible bidi marks is that
  // number (before 2026-12-05 it was "not an account number", said back looking exactly like one).
  const filter = rawAccount ? readAccountFilter(rawAccount) : null;
  const account = filter?.number ?? undefined;
  const after = readCursor(timeIdKey, queueAfter);
  const allowancesAfter = readCursor(timeIdKey, allowanceAfter);
  const syncIssuesAfter = readCursor(timeIdKey, syncAfter);
  // Each list's page links keep the other lists' pages (a damaged cursor is not carried along).
  const keepAllowances = allowancesAfter.key ? allowanceAfter : undefined;
  const keepQueue = after.key ? queueAfter : undefined;
  const keepSync = syncIssuesAfter.key ? syncAfter : undefined;
  const [queue, sync] = await Promise.all([
    listQueue(user, after.ok ? after.key : null, await getLocale(), { account }),
    account ? Promise.resolve(null) : openSyncIssues(user, syncIssuesAfter.key),
  ]);
  const title = account
    ? t('home.accountQueueTitle', { number: account, count: queue.total })
    : t('home.queueTitle', { count: queue.total, capped: queue.capped ? 'yes' : 'no' });
  return (
    <>
      {!after.ok || !allowancesAfter.ok || !syncIssuesAfter.ok ? <p role="status">{t('badCursor')}</p> : null}
      {filter && !filter.number ? (
        <p role="status">
          {t.rich('home.badAccount', { typed: () => <bdi>{typedText(filter.typed, 40)}</bdi> })}
        </p>
      ) : null}
      <Section id="search-title" title={t('home.search')}>
        <SearchForm q="" />
      </Section>

      {/* Rendered on the whole queue whatever the count: resolving the last open entry refreshes the
          page with none, and the entry stays in this browser's list with its answer and the focus
          (SyncIssueList). With no entry to show (and no page link to follow) the section is hidden,
          heading and all: an agent who opens the page with nothing out of sync sees nothing of it. */}
      {sync ? (
        <ClientMessages namespaces={STAFF_QUEUE_CLIENT_NAMESPACES}>
          <SyncIssues
            items={sync.items}
            labelledBy="sync-title"
            hideEmpty={!syncIssuesAfter.key}
            head={
              <>
                <h2 id="sync-title" className="text-xl font-semibold">
                  {t('home.syncTitle', { count: sync.total, capped: sync.capped ? 'yes' : 'no' })}
                </h2>
                <p>
                  {t('home.syncIntro')}
                  {sync.total > sync.items.length && !syncIssuesAfter.key
                    ? ` ${t('home.syncShowingOldest', { count: sync.items.length })}`
                    : ''}
                </p>
              </>
            }
            foot={
              sync.next || syncIssuesAfter.key ? (
                <nav aria-label={t('home.syncPages')} className="flex gap-4">
                  {syncIssuesAfter.key ? (
                    <Link
                      href={`${link({ queueAfter: keepQueue, allowanceAfter: keepAllowances })}#sync-title`}
                      className={PAGE_LINK}
                    >
                      {t('home.syncOldest')}
                    </Link>
                  ) : null}
                  {sync.next ? (
                    <Link
                      href={`${link({ queueAfter: keepQueue, allowanceAfter: keepAllowances, syncAfter: sync.next })}#sync-title`}
                      className={PAGE_LINK}
                    >
                      {t('home.syncLater')}
                    </Link>
                  ) : null}
                </nav>
              ) : null
            }
          />
        </ClientMessages>
      ) : null}

      <Section id="queue-title" title={title}>
        {account ? (
          <p>
            <Link href="/staff" className="text-blue-800 underline">
              {t('home.backToQueue')}
            </Link>
          </p>
        ) : (
          <p>
            {t('intro')}
            {queue.total > queue.shown && !after.key
              ? ` ${t('home.showingOldest', { count: queue.shown })}`
              : ''}
          </p>
        )}
        <ClientMessages namespaces={STAFF_QUEUE_CLIENT_NAMESPACES}>
          {/* Keyed by the read: a new read (the link, a decision's redirect) starts it afresh. */}
          <QueueWatch
            key={queue.readAt}
            since={queue.readAt}
            pending={queue.total}
            capped={queue.capped}
            account={account}
            href={link({ account })}
          />
        </ClientMessages>
        <QueueList items={queue.items} />
        {queue.next || after.key ? (
          <nav aria-label={t('home.queuePages')} className="flex gap-4">
            {after.key ? (
              <Link
                href={link({ account, allowanceAfter: keepAllowances, syncAfter: keepSync })}
                className={PAGE_LINK}
              >
                {t('home.queueOldest')}
              </Link>
            ) : null}
            {queue.next ? (
              <Link
                href={link({
                  account,
                  queueAfter: queue.next,
                  allowanceAfter: keepAllowances,
                  syncAfter: keepSync,
                })}
                className={PAGE_LINK}
              >
                {t('home.queueLater')}
              </Link>
            ) : null}
          </nav>
        ) : null}
      </Section>

      {account ? null : (
        <AllowanceQueue
          user={user}
          after={allowancesAfter.key}
          pageHref={(cursor) =>
            `${link({ queueAfter: keepQueue, allowanceAfter: cursor, syncAfter: keepSync })}#allowance-queue-title`
          }
        />
      )}
    </>
  );
}
