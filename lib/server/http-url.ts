/**
 * Whether `v` is a base URL other URLs are built on by appending a path (`${base}/v1/accounts/…`,
 * `${APP_URL}/blocks/…`): an absolute `http:` or `https:` URL (the scheme in any case, RFC 3986 §3.1)
 * with a host, and nothing that appending would break: no white space anywhere (a newline from a
 * secrets file), no query (`?`) and no fragment (`#`). A path prefix (`https://host/switch-api`) and
 * a trailing slash are fine. `z.url()` alone accepts any scheme and reads `host:port` as the scheme
 * `host:`; `new URL` strips surrounding white space, so it is checked on the string as given.
 */
export function isHttpBaseUrl(v: string): boolean {
  if (/[\s?#]/.test(v)) return false;
  try {
    const u = new URL(v);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}
