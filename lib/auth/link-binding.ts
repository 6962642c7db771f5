// The cookie that binds a sign-in link's "Continue" POST to the browser that showed the page. Set by
// proxy.ts on GET/HEAD of the page (a fresh random value when the browser has none), sent back only to
// that page (its path) and never with another site's POST (SameSite=Lax). Not Strict: a link opened
// from webmail (Gmail's redirect, Outlook's Safe Links) is a navigation from another site, which a
// Strict cookie does not follow, so each such page got a new binding that overwrote the one an
// earlier tab's proof was made for, and that tab's Continue was refused (review, session 39). Pure:
// proxy.ts imports it.

export const LINK_BIND_COOKIE = 'tollgate-link-bind';
export const LINK_BIND_PATH = '/sign-in/link';
/** As long as a link lives (a block notice's: lib/mail/link-token.ts NOTICE_LINK_MAX_AGE_SEC), so a page left open still continues. */
export const LINK_BIND_MAX_AGE_SEC = 24 * 60 * 60;

/** A new binding value: 32 random bytes, base64url. */
export function newLinkBinding(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
