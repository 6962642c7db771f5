// Where a sign-in may send the browser afterwards (pure; tests/unit/sign-in.test.ts).

/**
 * Punctuation that follows a link in running text and is copied with it (a sentence's period, a
 * closing quote, bracket or angle bracket, RFC 3986 Appendix C's delimiters), as typed or
 * percent-encoded: "/blocks/cm1abc." or "/blocks/cm1abc%22". No Tollgate path ends with one.
 */
const TRAILING_PUNCTUATION = /(?:[.,;:!?)\]>"']|%2[29]|%3[bBeE]|%5[dD]|%22|%27)+$/;

/**
 * Only same-origin paths; anything else goes to the dashboard (no open redirect). Browsers drop tabs
 * and newlines and read "\\" as "/", so "/\t/evil.example" would become "//evil.example": any control
 * character or backslash is refused, and the result must still be a path on our own origin.
 * Punctuation copied after a mailed link lands on the callback, its last parameter
 * (TRAILING_PUNCTUATION): it is dropped, so the person lands on the page the mail named, not a 404.
 */
export function safeCallbackUrl(raw: unknown): string {
  // Only a bare path, as a block notice's link carries: a query's value may end with punctuation
  // ("S.A.", "(MX)"), so a requested link back to a search keeps what follows it.
  if (typeof raw === 'string' && !/[?#]/.test(raw)) raw = raw.replace(TRAILING_PUNCTUATION, '');
  if (
    typeof raw !== 'string' ||
    raw.length > 512 ||
    !raw.startsWith('/') ||
    /[\u0000-\u001f\u007f\\]/.test(raw)
  )
    return '/';
  const base = 'http://tollgate.invalid';
  try {
    const u = new URL(raw, base);
    if (u.origin !== base || u.pathname.startsWith('//')) return '/';
    return `${u.pathname}${u.search}${u.hash}`;
  } catch {
    return '/';
  }
}

/**
 * The request header proxy.ts sets on every request it passes on: the path and query the browser
 * asked for (returnToOf). A client's own header of that name is replaced, never passed on. The staff
 * pages send a visitor who must sign in or prove the second factor back there (requireStaff).
 */
export const RETURN_TO_HEADER = 'x-tollgate-return-to';

/**
 * `url`'s path and query, without the `_rsc` parameter Next adds to a client navigation's request
 * (a cache key, not part of the page's address): "/staff/requests/req_1", "/staff?q=Dental".
 */
export function returnToOf(url: URL): string {
  const params = new URLSearchParams(url.search);
  params.delete('_rsc');
  const query = params.toString();
  return query ? `${url.pathname}?${query}` : url.pathname;
}
