import { describe, expect, it } from 'vitest';
import {
  dashboardHref,
  dashboardQuery,
  DASHBOARD_SEARCH_MAX,
  readDashboardParams,
} from '@/lib/accounts/dashboard-params';

// The dashboard's view as the URL carries it (`/?show=attention&q=…&page=2`): whatever a hand-edited
// or damaged link holds, the page gets a view it can read and a note to say what it left out.

describe('readDashboardParams', () => {
  it('reads a view, from a page’s searchParams or a route’s URLSearchParams alike', () => {
    const want = { params: { show: 'attention', q: 'dental', page: 3 }, notes: [] };
    expect(readDashboardParams({ show: 'attention', q: ' dental ', page: '3' })).toEqual(want);
    expect(readDashboardParams(new URLSearchParams('show=attention&q=+dental+&page=3'))).toEqual(want);
    expect(readDashboardParams({})).toEqual({ params: { show: 'all', q: '', page: 1 }, notes: [] });
    // A repeated parameter: its first value.
    expect(readDashboardParams({ page: ['2', '9'], q: ['a', 'b'] }).params).toMatchObject({
      page: 2,
      q: 'a',
    });
  });

  it('gives the first page for a page number it cannot read, and says so', () => {
    for (const page of ['-1', '0', 'abc', '1.5', '1e3', ' 2', '0x10', '1000000', '9'.repeat(400), '２'])
      expect(readDashboardParams({ page }), page).toEqual({
        params: { show: 'all', q: '', page: 1 },
        notes: ['badPage'],
      });
    expect(readDashboardParams({ page: '999999' }).params.page).toBe(999_999);
    expect(readDashboardParams({ page: '' })).toEqual({ params: { show: 'all', q: '', page: 1 }, notes: [] });
  });

  it('shows all accounts for a filter it does not know', () => {
    for (const show of ['ATTENTION', 'blocked', '', 'attention\u0000'])
      expect(readDashboardParams({ show }).params.show).toBe('all');
  });

  it('drops control and invisible characters from a search, and cuts a long one, saying so', () => {
    expect(readDashboardParams({ q: 'Acme\u0000Dental\u202e\u0007' }).params.q).toBe('Acme Dental');
    expect(readDashboardParams({ q: '\u0000\u0001' })).toEqual({
      params: { show: 'all', q: '', page: 1 },
      notes: [],
    });
    const long = readDashboardParams({ q: 'a'.repeat(500), page: '-2' });
    expect(long.params.q).toBe('a'.repeat(DASHBOARD_SEARCH_MAX));
    expect(long.notes).toEqual(['searchCut', 'badPage']);
    // Exactly the most it takes, and one emoji past it: the emoji is left out whole, never halved.
    expect(readDashboardParams({ q: 'a'.repeat(DASHBOARD_SEARCH_MAX) }).notes).toEqual([]);
    const emoji = readDashboardParams({ q: `${'a'.repeat(DASHBOARD_SEARCH_MAX - 1)}😀😀` });
    expect(emoji.params.q).toBe(`${'a'.repeat(DASHBOARD_SEARCH_MAX - 1)}😀`);
    expect(emoji.notes).toEqual(['searchCut']);
  });
});

describe('dashboardQuery / dashboardHref', () => {
  it('writes the defaults as nothing, and reads back what it wrote', () => {
    expect(dashboardQuery({ show: 'all', q: '', page: 1 })).toBe('');
    expect(dashboardHref({ show: 'all', q: '', page: 1 })).toBe('/');
    const p = { show: 'attention' as const, q: 'Peña & Co 50%', page: 2 };
    expect(dashboardHref(p)).toBe('/?show=attention&q=Pe%C3%B1a+%26+Co+50%25&page=2');
    expect(readDashboardParams(new URLSearchParams(dashboardQuery(p)))).toEqual({ params: p, notes: [] });
    // A pager link: another page of the same view; the first page has no page parameter.
    expect(dashboardHref(p, 3)).toBe('/?show=attention&q=Pe%C3%B1a+%26+Co+50%25&page=3');
    expect(dashboardHref(p, 1)).toBe('/?show=attention&q=Pe%C3%B1a+%26+Co+50%25');
  });
});
