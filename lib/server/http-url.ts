/**
 * Whether `v` is a base URL other URLs are built on by appending a path (`${base}/v1/accounts/…`,
 * `${APP_URL}/blocks/…`): an absolute `http:` or `https:` URL (the scheme in any case, RFC 3986 §3.1)
 * with a host, and nothing that appending would break: no white space anywhere (a newline from a
 * secrets file), no query (`?`) and no fragment (`#`). A path prefix (`https://host/switch-api`) and
 * a trailing slash are fine. `z.url()` alone accepts any scheme and reads `host:port` as the scheme
 * `host:`; `new URL` strips surrounding white space, so it is checked on the string as given. No user
 * or password (`https://svc:secret@host`): fetch refuses to build a request from such a URL ("Request
 * cannot be constructed from a URL that includes credentials"), so every call would fail as a
 * connection error (review, session 39); the switch takes its bearer token, SWITCH_API_TOKEN.
 */
export function isHttpBaseUrl(v: string): boolean {
  if (/[\s?#]/.test(v)) return false;
  try {
    const u = new URL(v);
    return (
      (u.protocol === 'http:' || u.protocol === 'https:') &&
      u.hostname !== '' &&
      u.username === '' &&
      u.password === ''
    );
  } catch {
    return false;
  }
}

/**
 * Whether `url` (an absolute URL, APP_URL) is served over https: its scheme read as RFC 3986 §3.1
 * says, in any case ("HTTPS://portal.example.com" too), so cookies set for it are Secure.
 * `startsWith('https:')` read that one as plain http (review, session 39). False for no URL.
 */
export function servesHttps(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}
