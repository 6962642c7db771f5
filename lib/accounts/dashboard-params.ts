import { typedText, withoutControlCharacters } from '@/lib/server/control-characters';

// The dashboard's view of a member of many accounts (a reseller, an IT contractor, a shared mailbox)
// as the URL carries it: `/?show=attention&q=dental&page=2`, so a view is a link that can be kept,
// shared and reloaded, and the form that sets it is a plain GET form (works without JavaScript).
// Pure and isomorphic: the page and its version route (/api/version/dashboard) read the same
// parameters here, lib/accounts/dashboard.ts turns them into SQL.

/** Accounts a dashboard page shows at most once the member has more than DASHBOARD_PAGED_ABOVE. */
export const DASHBOARD_PAGE_SIZE = 20;
/** Up to this many accounts the dashboard shows them all, with no count, filter, search or pages. */
export const DASHBOARD_PAGED_ABOVE = 20;
/** The most characters (code points) a search takes; the rest of a longer one is left out, and said so. */
export const DASHBOARD_SEARCH_MAX = 100;
/** The highest page number read: any more is an unreadable page (6 digits keep the offset an integer). */
const PAGE_MAX = 999_999;

/** `all` accounts, or only those that need the member's action (a block in force, a change the switch has not confirmed…). */
export const DASHBOARD_SHOWS = ['all', 'attention'] as const;
export type DashboardShow = (typeof DASHBOARD_SHOWS)[number];

/** One view of the dashboard: which accounts (`show`), a search `q` ('' none), and the page (1-based). */
export type DashboardParams = { show: DashboardShow; q: string; page: number };

/**
 * What the page says about a parameter it could not use as given: `badPage`, a page that is not a
 * whole number from 1 (negative, garbage, too long), replaced by the first page; `searchCut`, a search
 * longer than DASHBOARD_SEARCH_MAX, cut to it.
 */
export type DashboardNote = 'badPage' | 'searchCut';

type Raw = Record<string, string | string[] | undefined> | URLSearchParams;

const one = (params: Raw, key: string): string | undefined => {
  const v = params instanceof URLSearchParams ? (params.get(key) ?? undefined) : params[key];
  return (Array.isArray(v) ? v[0] : v) || undefined;
};

/**
 * The view asked for by `params` (a page's searchParams, or a version route's URLSearchParams):
 * `show` (`attention`, else `all`), `q` (typedText: control and invisible formatting characters
 * dropped, trimmed, at most DASHBOARD_SEARCH_MAX characters) and `page` (a whole number 1–999999,
 * else 1). Never throws: what cannot be read gives the default, and `notes` lists what the page
 * should say about it. Nothing here authorizes: the read is scoped to the member's own accounts.
 */
export function readDashboardParams(params: Raw): { params: DashboardParams; notes: DashboardNote[] } {
  const notes: DashboardNote[] = [];
  const rawShow = one(params, 'show');
  const show = DASHBOARD_SHOWS.find((s) => s === rawShow) ?? 'all';
  const rawQ = one(params, 'q') ?? '';
  const q = typedText(rawQ, DASHBOARD_SEARCH_MAX);
  if (Array.from(withoutControlCharacters(rawQ).trim()).length > DASHBOARD_SEARCH_MAX)
    notes.push('searchCut');
  const rawPage = one(params, 'page');
  let page = 1;
  if (rawPage !== undefined) {
    const n = /^\d{1,6}$/.test(rawPage) ? Number(rawPage) : NaN;
    if (Number.isInteger(n) && n >= 1 && n <= PAGE_MAX) page = n;
    else notes.push('badPage');
  }
  return { params: { show, q, page }, notes };
}

/**
 * `p` as a URL query (no `?`), defaults left out and the keys in a fixed order: '' for the first
 * page of all accounts; e.g. `show=attention&q=dental&page=2`. `page` overrides p.page (for pager links).
 */
export function dashboardQuery(p: DashboardParams, page = p.page): string {
  const out = new URLSearchParams();
  if (p.show !== 'all') out.set('show', p.show);
  if (p.q) out.set('q', p.q);
  if (page > 1) out.set('page', String(page));
  return out.toString();
}

/** The dashboard's address for `p` (dashboardQuery): `/` or `/?…`. */
export const dashboardHref = (p: DashboardParams, page = p.page) => {
  const qs = dashboardQuery(p, page);
  return qs ? `/?${qs}` : '/';
};
