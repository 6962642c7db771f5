import 'server-only';
import { cookies, headers } from 'next/headers';
import { decode } from 'next-auth/jwt';

// The session id a request's Auth.js cookie carries, read without running Auth.js. `auth()` in a
// server component builds the whole Auth.js configuration, decrypts the JWT, runs the callbacks and
// encrypts a refreshed token that a server component cannot even set (measured: 8–10 % of a
// dashboard request's CPU, bench/README.md). Decrypting the cookie is all a page needs; the Session
// row it names is checked by lib/auth/session.ts as before.

/** Auth.js's session cookie names (@auth/core `defaultCookies`), on https and on http. */
const SECURE_COOKIE = '__Secure-authjs.session-token';
const PLAIN_COOKIE = 'authjs.session-token';

/**
 * The one cookie name Auth.js itself would read for this request, chosen the way next-auth's
 * `auth()` does (`createActionURL` in @auth/core): the protocol of AUTH_URL (or NEXTAUTH_URL) when
 * set, else the request's `x-forwarded-proto` (Next sets it), else https. Only that name is read:
 * on https a plain-named cookie (which a sibling subdomain or a plain-http request could plant)
 * is never a session.
 */
export function sessionCookieName(
  forwardedProto: string | null,
  env: Record<string, string | undefined> = process.env,
): string {
  const configured = env.AUTH_URL ?? env.NEXTAUTH_URL;
  const protocol = configured
    ? new URL(configured).protocol
    : `${forwardedProto ?? 'https'}`.replace(/:?$/, ':');
  return protocol === 'https:' ? SECURE_COOKIE : PLAIN_COOKIE;
}

/**
 * The secrets Auth.js signs and reads sessions with: AUTH_SECRET, then AUTH_SECRET_PREVIOUS during a
 * rotation (sessions signed with the previous one stay valid; new ones use the first).
 */
export function authSecrets(): string | string[] {
  return process.env.AUTH_SECRET_PREVIOUS
    ? [process.env.AUTH_SECRET ?? '', process.env.AUTH_SECRET_PREVIOUS]
    : (process.env.AUTH_SECRET ?? '');
}

/**
 * The cookie's value the way Auth.js's SessionStore reads it: whole, or split in chunks `name.0`,
 * `name.1`, … (a token over 4 KB), joined in index order. Null when the request has none.
 */
function cookieValue(all: { name: string; value: string }[], name: string): string | null {
  const whole = all.find((c) => c.name === name);
  if (whole) return whole.value;
  const chunks = all
    .map((c) => ({
      c,
      m: c.name.startsWith(`${name}.`) ? /^\d+$/.exec(c.name.slice(name.length + 1)) : null,
    }))
    .filter((x) => x.m)
    .sort((a, b) => Number(a.m![0]) - Number(b.m![0]));
  return chunks.length ? chunks.map((x) => x.c.value).join('') : null;
}

/**
 * The `sid` of this request's Auth.js session JWT (an opaque id of a Session row), or null when
 * there is no cookie, it does not decrypt with any of authSecrets() (JWE A256CBC-HS512 with a key
 * derived by HKDF from the secret and the cookie name as salt, as @auth/core/jwt encodes it), it has
 * expired (`exp`, 15 s tolerance), or it names no sid. Only inside a request (reads next/headers).
 */
export async function sessionIdFromCookie(): Promise<string | null> {
  const name = sessionCookieName((await headers()).get('x-forwarded-proto'));
  const token = cookieValue((await cookies()).getAll(), name);
  if (!token) return null;
  try {
    const payload = await decode({ token, secret: authSecrets(), salt: name });
    return typeof payload?.sid === 'string' ? payload.sid : null;
  } catch {
    return null; // tampered, signed with an unknown secret, or expired: no session
  }
}
