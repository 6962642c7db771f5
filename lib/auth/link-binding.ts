// The cookie that binds a sign-in link's "Continue" POST to the browser that showed the page. Set by
// proxy.ts on GET/HEAD of the page (a fresh random value when the browser has none), sent back only to
// that page (path, SameSite=Strict). Pure: proxy.ts imports it.

export const LINK_BIND_COOKIE = 'tollgate-link-bind';
export const LINK_BIND_PATH = '/sign-in/link';
export const LINK_BIND_MAX_AGE_SEC = 60 * 60;

/** A new binding value: 32 random bytes, base64url. */
export function newLinkBinding(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}
