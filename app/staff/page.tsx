import { Link } from '@/components/ui/link';
import { PAGE_LINK } from '@/components/ui/button-class';
import { getLocale, getTranslations } from 'next-intl/server';
import { AllowanceQueue, WaitingAllowanceList } from '@/components/allowance/allowance-queue';
import { QueueFilters } from '@/components/staff/queue-filters';
import { QueueList } from '@/components/staff/queue-list';
import { NextRequestLink } from '@/components/staff/next-request-link';
import { QueueWatch } from '@/components/staff/queue-watch';
import { RotatedWaiting } from '@/components/staff/rotated-waiting';
import { SearchResults } from '@/components/staff/search-results';
import { ClientMessages } from '@/components/i18n/client-messages';
import { SyncIssues } from '@/components/staff/sync-issues';
import { SwitchWaiting } from '@/components/staff/switch-waiting';
import { requireStaff, type CurrentUser } from '@/lib/auth/session';
import { openSyncIssues } from '@/lib/blocks/queries';
import { STAFF_QUEUE_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';
import { listQueue, withQueueWatch } from '@/lib/requests/queue';
import {
  isFiltered,
  queueFilterParams,
  readQueueFilter,
  type QueueFilter,
} from '@/lib/requests/queue-filter';
import { readAccountFilter } from '@/lib/staff/account-filter';
import { accountAllowanceRequests, type AccountAllowanceItem } from '@/lib/staff/account-allowances';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import { SEARCH_MIN_CHARS, searchAccounts, searchCursor, searchedText } from '@/lib/staff/search';
import { saidBack } from '@/lib/staff/said-back';
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
// The queue (and an account's) may be filtered by `kind`, `reason` and `taken` (lib/requests/queue-filter.ts).
export default async function StaffHome({ searchParams }: { searchParams: Promise<Params> }) {
  const user = await requireStaff();
  const t = await getTranslations('staff');
  const sp = await searchParams;
  const q = first(sp.q)?.trim() ?? '';
  return (
    <div className="flex flex-col gap-8">
      <h1 className="text-2xl font-bold">{t('title')}</h1>
      {/* Every block in force, requests or not: the customers of a fraud wave who asked for nothing
          (app/staff/blocks/page.tsx). */}
      <p>
        <Link href="/staff/blocks" className={PAGE_LINK}>
          {t('blocksInForce.homeLink')}
        </Link>
      </p>
      {q ? (
        <SearchView user={user} q={q} searchAfter={first(sp.searchAfter)} />
      ) : (
        <QueueView
          user={user}
          filters={readQueueFilter(sp)}
          account={first(sp.account)}
          queueAfter={first(sp.queueAfter)}
          allowanceAfter={first(sp.allowanceAfter)}
          syncAfter={first(sp.syncAfter)}
        />
      )}
      {/* Blocks whose every password was changed and that the lift policy keeps for a person
          (components/staff/rotated-waiting.tsx): on the whole queue, not a search or one account's. */}
      {q || first(sp.account) ? null : (
        <RotatedWaiting
          user={user}
          after={first(sp.rotatedAfter)}
          pageHref={(cursor) =>
            `${link({
              queueAfter: first(sp.queueAfter),
              allowanceAfter: first(sp.allowanceAfter),
              syncAfter: first(sp.syncAfter),
              rotatedAfter: cursor,
            })}#rotated-title`
          }
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
        <Link href="/staff" className={PAGE_LINK}>
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
 * `account` is an account number (a search hit links there): its unblock requests and its allowance
 * requests. A malformed `account` says so and shows the whole queue. `filters.filter` keeps one kind,
 * block reason, or taken or not (each page link keeps it); the kind `allowance` shows only the
 * destination-allowance requests (the whole queue's or the account's; taken or not filters them too;
 * a block reason does not apply to them, so it shows unblock requests only). The sync issues and the
 * changes still being sent to the switch are listed on the whole, unfiltered queue. The watch
 * (QueueWatch) says what changed in the whole queue, or the account's, since the page's reads: what
 * waited is counted before the lists are read and its `since` taken after them, so a request sent
 * meanwhile is counted as new or makes the counts not add up ("the queue has changed"), never missed.
 */
async function QueueView({
  user,
  filters: given,
  account: rawAccount,
  queueAfter,
  allowanceAfter,
  syncAfter,
}: {
  user: CurrentUser;
  filters: { filter: QueueFilter; bad: string[] };
  account?: string;
  queueAfter?: string;
  allowanceAfter?: string;
  syncAfter?: string;
}) {
  const t = await getTranslations('staff');
  const desk = await getTranslations('staff.desk');
  // Read as the search box reads what is typed: a number pasted with invisible bidi marks is that
  // number (before 2026-12-05 it was "not an account number", said back looking exactly like one).
  const accountFilter = rawAccount ? readAccountFilter(rawAccount) : null;
  const account = accountFilter?.number ?? undefined;
  const { filter, bad } = given;
  const filtered = isFiltered(filter);
  const kept = queueFilterParams(filter);
  const allowancesOnly = filter.kind === 'allowance';
  const unblockKind = filter.kind === 'allowance' ? undefined : filter.kind;
  const after = readCursor(timeIdKey, queueAfter);
  const allowancesAfter = readCursor(timeIdKey, allowanceAfter);
  const syncIssuesAfter = readCursor(timeIdKey, syncAfter);
  // Each list's page links keep the other lists' pages (a damaged cursor is not carried along).
  const keepAllowances = allowancesAfter.key ? allowanceAfter : undefined;
  const keepQueue = after.key ? queueAfter : undefined;
  const keepSync = syncIssuesAfter.key ? syncAfter : undefined;
  const locale = await getLocale();
  // An account's allowance requests (no block reason: a reason filter shows unblock requests only).
  const accountAllowances = account && (!filter.kind || allowancesOnly) && !filter.reason;
  // The watch's start: what waits is counted before the lists are read, `since` taken after them.
  const {
    watch: { since, ...read },
    lists: [queue, sync, allowancesOfAccount],
  } = await withQueueWatch(user, account, () =>
    Promise.all([
      allowancesOnly
        ? null
        : listQueue(user, after.ok ? after.key : null, locale, {
            account,
            kind: unblockKind,
            reason: filter.reason,
            taken: filter.taken,
          }),
      account || filtered ? Promise.resolve(null) : openSyncIssues(user, syncIssuesAfter.key),
      accountAllowances ? accountAllowanceRequests(user, account, filter.taken) : null,
    ]),
  );
  // The kind, reason and taken filters of the list, in words: "Misdial · Not taken" (an allowance
  // request has no block reason: "Destination allowance · Not taken").
  const takenAs = filter.taken
    ? desk(filter.taken === 'no' ? 'takenNo' : filter.taken === 'mine' ? 'takenMine' : 'takenYes')
    : null;
  const shownAs = (
    allowancesOnly
      ? [desk('allowance'), takenAs]
      : [
          unblockKind ? t(`labels.kind.${unblockKind}`) : null,
          filter.reason ? t(`labels.reason.${filter.reason}`) : null,
          takenAs,
        ]
  ).filter((s): s is string => s !== null);
  // "Next request" looks for one nobody has taken, whatever `taken` says: the kind and reason travel.
  const nextQuery = new URLSearchParams(
    queueFilterParams({ kind: filter.kind, reason: filter.reason }),
  ).toString();
  const nextHref = `/staff/requests/next${nextQuery ? `?${nextQuery}` : ''}`;
  return (
    <>
      {!after.ok || !allowancesAfter.ok || !syncIssuesAfter.ok ? <p role="status">{t('badCursor')}</p> : null}
      {accountFilter && !accountFilter.number ? (
        <p role="status">
          {t.rich('home.badAccount', { typed: () => <bdi>{saidBack(accountFilter.typed)}</bdi> })}
        </p>
      ) : null}
      {bad.length ? <p role="status">{desk('badFilter')}</p> : null}
      <Section id="search-title" title={t('home.search')}>
        <SearchForm q="" />
      </Section>

      {/* The desk's split of the work (one agent on misdials, one on firewall requests…) and its way to
          the next customer nobody is calling yet (docs/staff-console.md, "Taking a request"). */}
      <div className="flex flex-col gap-3">
        <QueueFilters filter={filter} account={account} />
        {allowancesOnly && filter.reason ? <p>{desk('allowanceOnly')}</p> : null}
        <div className="flex flex-wrap items-center gap-4">
          {/* The whole queue's: an account's queue is one customer's, the few requests listed below.
              On the allowance desk, the oldest allowance request nobody has taken. A div, not a p:
              "Take next request" is a form. */}
          {account ? null : <NextRequestLink href={nextHref} />}
          {filtered ? (
            <Link href={link({ account })} className={PAGE_LINK}>
              {desk('allRequests')}
            </Link>
          ) : null}
        </div>
      </div>

      {/* What changed since these lists were read, in words (new requests of each kind, those gone,
          those other agents took or released), without moving the lists under the agent's eyes. The
          watch counts the whole queue, or the account's, not a filter of it: a filtered view says so.
          Keyed by the read: a new read (the link, a decision's redirect) starts it afresh. */}
      <ClientMessages namespaces={STAFF_QUEUE_CLIENT_NAMESPACES}>
        <QueueWatch
          key={since}
          since={since}
          read={read}
          account={account}
          href={link({ account, ...kept })}
          lead={filtered ? desk('watchScope') : undefined}
        />
      </ClientMessages>

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

      {/* Changes the switch outbox has been sending for minutes (an approved lift behind a failing
          switch): on the whole queue, near the differences; absent when none waits that long. */}
      {account || filtered ? null : <SwitchWaiting user={user} />}

      {queue ? (
        <Section
          id="queue-title"
          title={
            account
              ? t('home.accountQueueTitle', { number: account, count: queue.total })
              : filtered
                ? desk('filteredTitle', { count: queue.total, capped: queue.capped ? 'yes' : 'no' })
                : t('home.queueTitle', { count: queue.total, capped: queue.capped ? 'yes' : 'no' })
          }
        >
          {shownAs.length ? <p>{desk('filtered', { filters: shownAs.join(' · ') })}</p> : null}
          {account ? (
            <p>
              <Link href="/staff" className={PAGE_LINK}>
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
          {/* The whole queue's filter goes with each request (an account's queue is one customer's).
              An account with no unblock request but allowance requests waiting says so, not "No unblock
              requests are waiting" above its allowance requests. */}
          {queue.items.length === 0 && allowancesOfAccount?.total ? (
            <p>{t('home.accountNoUnblock')}</p>
          ) : (
            <QueueList
              items={queue.items}
              query={account ? '' : new URLSearchParams(kept).toString()}
              empty={filtered ? desk('noMatch') : undefined}
            />
          )}
          {queue.next || after.key ? (
            <nav aria-label={t('home.queuePages')} className="flex gap-4">
              {after.key ? (
                <Link
                  href={link({ account, ...kept, allowanceAfter: keepAllowances, syncAfter: keepSync })}
                  className={PAGE_LINK}
                >
                  {t('home.queueOldest')}
                </Link>
              ) : null}
              {queue.next ? (
                <Link
                  href={link({
                    account,
                    ...kept,
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
      ) : null}

      {allowancesOfAccount && account ? (
        <AccountAllowances
          user={user}
          number={account}
          list={allowancesOfAccount}
          shownAs={shownAs.length ? shownAs.join(' · ') : undefined}
        />
      ) : null}

      {account || (filtered && !allowancesOnly) ? null : (
        <AllowanceQueue
          user={user}
          after={allowancesAfter.key}
          taken={filter.taken}
          shownAs={allowancesOnly ? shownAs.join(' · ') : undefined}
          pageHref={(cursor) =>
            `${link({ ...kept, queueAfter: keepQueue, allowanceAfter: cursor, syncAfter: keepSync })}#allowance-queue-title`
          }
        />
      )}
    </>
  );
}

/**
 * One account's waiting allowance requests (lib/staff/account-allowances.ts), oldest first, as the
 * whole queue's allowance list shows each (components/allowance/allowance-queue.tsx): a link to its
 * card on the account page, where it is taken and decided, when it was asked, and who has taken it.
 * `shownAs`: the view's filter in words, said under the heading.
 */
async function AccountAllowances({
  user,
  number,
  list,
  shownAs,
}: {
  user: CurrentUser;
  number: string;
  list: { items: AccountAllowanceItem[]; total: number };
  shownAs?: string;
}) {
  const [t, home, desk] = await Promise.all([
    getTranslations('staff.allowances'),
    getTranslations('staff.home'),
    getTranslations('staff.desk'),
  ]);
  return (
    <Section id="allowance-queue-title" title={home('accountAllowancesTitle', { number, count: list.total })}>
      {shownAs ? <p>{desk('filtered', { filters: shownAs })}</p> : null}
      {list.total > list.items.length ? <p>{t('showingOldest', { count: list.items.length })}</p> : null}
      {list.items.length === 0 ? (
        <p>{t('queueNone')}</p>
      ) : (
        <WaitingAllowanceList items={list.items} timeZone={user.timeZone} />
      )}
    </Section>
  );
}
