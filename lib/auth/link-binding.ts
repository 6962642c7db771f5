// The cookies that bind a sign-in link's "Continue" POST to the browser that showed the page. Set by
// proxy.ts on GET/HEAD of the page (a fresh random value when the browser has none for that link),
// sent back only to that page (its path) and never with another site's POST (SameSite=Lax). Not
// Strict: a link opened from webmail (Gmail's redirect, Outlook's Safe Links) is a navigation from
// another site, which a Strict cookie does not follow, so each such page got a new binding that
// overwrote the one an earlier tab's proof was made for, and that tab's Continue was refused (review,
// session 39).
//
// One cookie per link, named after the link (linkBindCookie), as OAuth clients keep one `state` per
// authorization request: with one cookie for every link, pages of several links loaded at the same
// moment (a reseller opening ten block notices as tabs at once) each saw no cookie, each set its own
// value, the last one won, and every other tab's Continue was refused (tester, session 56). A page
// load now only ever sets the cookie of its own link, so it cannot overwrite another link's binding.
//
// Size. One cookie in the Cookie header is `; ` + name (35) + `=` + value (50: issue time in base36,
// `.`, 43 characters of random) = 88 bytes. A page load that sets a new binding first drops the
// oldest ones beyond LINK_BIND_MAX_COOKIES - 1 (bindingsToDrop), and Continue deletes its link's
// cookie once it signs in; each lives LINK_BIND_MAX_AGE_SEC at most. Worst case: 50 bindings, 4,400
// bytes, sent only to /sign-in/link (the path), plus one more per page load that ran at the very same
// moment as others (they cannot see each other's cookies; the next load trims back to 50): 50 tabs of
// a fresh browser opened at once also make 4,400 bytes. Under the 8 KB a single header line may have
// in nginx (large_client_header_buffers) and Apache (LimitRequestFieldSize 8190), and Node's 16 KB
// for all headers, with room for the session and other cookies.
//
// Pure but for node:crypto's SHA-256 (proxy.ts, which runs on Node, imports it).
import { createHash } from 'node:crypto';

/** The start of every link's binding cookie name: LINK_BIND_PREFIX + 16 hex (linkBindCookie). */
export const LINK_BIND_PREFIX = 'tollgate-link-bind-';
/**
 * The one binding cookie (for every link) of pages shown before per-link bindings (session 56). Read
 * by Continue only when the link's own cookie is missing, so a page left open across the upgrade
 * still continues; nothing sets it any more, and it expires by itself within LINK_BIND_MAX_AGE_SEC.
 * Remove once a release with per-link bindings has run for a day.
 */
export const LEGACY_LINK_BIND_COOKIE = 'tollgate-link-bind';
export const LINK_BIND_PATH = '/sign-in/link';
/** As long as a link lives (a block notice's: lib/mail/link-token.ts NOTICE_LINK_MAX_AGE_SEC), so a page left open still continues. */
export const LINK_BIND_MAX_AGE_SEC = 24 * 60 * 60;
/** The most binding cookies a page load leaves in a browser, its own new one included (size: above). */
export const LINK_BIND_MAX_COOKIES = 50;

/**
 * The name of the binding cookie of the link whose token is `token` (as readLinkQuery reads it from
 * the page's query, and as the Continue form carries it): LINK_BIND_PREFIX and the first 16 hex
 * digits (64 bits) of SHA-256 over a label and the token. Never the token itself: cookie names are
 * seen by whoever looks at the browser's storage, and the token is a credential. The same token
 * always gives the same name; a collision between two links of one browser is a 2^-64 chance and
 * would only make the older page's Continue refused, as "opened again".
 */
export function linkBindCookie(token: string): string {
  const digest = createHash('sha256').update(`tollgate-link-bind-name-v1\n${token}`).digest('hex');
  return `${LINK_BIND_PREFIX}${digest.slice(0, 16)}`;
}

/** True for the name of a link's binding cookie (not the legacy one). */
export const isLinkBindCookie = (name: string): boolean =>
  name.startsWith(LINK_BIND_PREFIX) && /^[0-9a-f]{16}$/.test(name.slice(LINK_BIND_PREFIX.length));

/**
 * A new binding value: when it was made (`nowMs`, Unix milliseconds; whole seconds in base36), `.`,
 * and 32 random bytes in base64url (43 characters). The time only orders bindings for
 * bindingsToDrop; the proof is made for the whole value.
 */
export function newLinkBinding(nowMs: number = Date.now()): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const random = btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
  return `${Math.floor(nowMs / 1000).toString(36)}.${random}`;
}

/** The Unix seconds a binding value was made at (newLinkBinding); 0 for a value not of that shape. */
export function bindingIssuedAt(value: string): number {
  const m = /^([0-9a-z]{1,10})\.[A-Za-z0-9_-]{43}$/.exec(value);
  return m ? parseInt(m[1], 36) : 0;
}

/**
 * The binding cookies (`cookies`: a browser's cookies as its request carried them, of any name) to
 * delete before one more is set, so that at most LINK_BIND_MAX_COOKIES remain: the oldest by
 * bindingIssuedAt (a value of another shape first), names only. Empty while there is room.
 */
export function bindingsToDrop(
  cookies: readonly { name: string; value: string }[],
  max: number = LINK_BIND_MAX_COOKIES,
): string[] {
  const bindings = cookies.filter((c) => isLinkBindCookie(c.name));
  const excess = bindings.length - (max - 1);
  if (excess <= 0) return [];
  return bindings
    .map((c) => ({ name: c.name, at: bindingIssuedAt(c.value) }))
    .sort((a, b) => a.at - b.at)
    .slice(0, excess)
    .map((c) => c.name);
}
