/**
 * Where an allowance of the account numbered `accountNumber` is taken, decided or ended: its card
 * (`id`: the allowance's) on the account's staff page, `/staff/accounts/ACC-1001#allowance-<id>`.
 * `query` (URL parameters without "?", e.g. the queue's filter `kind=allowance`) goes before the
 * fragment, so the page's own "Next request" keeps it. The one way the staff pages and "Next
 * request" build that address.
 */
export const allowanceCardHref = (accountNumber: string, id: string, query = '') =>
  `/staff/accounts/${encodeURIComponent(accountNumber)}${query ? `?${query}` : ''}#allowance-${id}`;
