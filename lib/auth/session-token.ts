import 'server-only';
import { cookies, headers } from 'next/headers';
import crypto from 'node:crypto';
import { decode, encode } from 'next-auth/jwt';
import type { NextAuthConfig } from 'next-auth';
import { currentSecret } from '@/lib/server/seal';

// The session id a request's Auth.js cookie carries, read without running Auth.js. `auth()` in a
// server component builds the whole Auth.js configuration, decrypts the JWT, runs the callbacks and
// encrypts a refreshed token that a server component cannot even set (measured: 8–10 % of a
// dashboard request's CPU, bench/README.md). Decrypting the cookie is all a page needs; the Session
// row it names is checked by lib/auth/session.ts as before.

/**
 * The session cookie's names. On http, Auth.js's own (@auth/core `defaultCookies`). On https,
 * `__Host-` where Auth.js would write `__Secure-` (authCookies): a `__Host-` cookie must be Secure,
 * have Path=/ and no Domain (RFC 6265bis §4.1.3.2), so no sibling host under the parent domain
 * (`x.example.com` beside `portal.example.com`) and no plain-http answer can set or shadow it and put
 * its own signed-in session in a victim's browser; `__Secure-` only requires Secure.
 */
const SECURE_COOKIE = '__Host-authjs.session-token';
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
 * Auth.js's `cookies` option for a request whose protocol sessionCookieName reads from `protocol`
 * (`https`, `https:`, a request URL's protocol, or null: AUTH_URL first, as Auth.js does): on https
 * the session cookie is SECURE_COOKIE (`__Host-authjs.session-token`; HttpOnly, SameSite=Lax, Path=/,
 * Secure, as Auth.js writes its own), which is also the JWT's key salt; on http Auth.js's default.
 */
export function authCookies(
  protocol: string | null,
  env: Record<string, string | undefined> = process.env,
): NextAuthConfig['cookies'] {
  const name = sessionCookieName(protocol, env);
  if (name !== SECURE_COOKIE) return undefined;
  return { sessionToken: { name, options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true } } };
}

/**
 * The secrets Auth.js signs and reads sessions with: AUTH_SECRET, then AUTH_SECRET_PREVIOUS during a
 * rotation (sessions signed with the previous one stay valid; new ones use the first).
 */
export function authSecrets(): string | string[] {
  return process.env.AUTH_SECRET_PREVIOUS
    ? [currentSecret(), process.env.AUTH_SECRET_PREVIOUS]
    : currentSecret();
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

/** How many decrypted session cookies a process remembers (≈ 0.5 KB each), oldest dropped first. */
export const DECODED_CACHE_MAX = 10_000;

/** Auth.js's clock tolerance for `exp` (@auth/core/jwt `decode`: `clockTolerance: 15`), in seconds. */
const CLOCK_TOLERANCE_SEC = 15;

type Decoded = { sid: string | null; exp: number | null };

// Decrypting the cookie (HKDF key derivation, then JWE A256CBC-HS512 through WebCrypto) was about 6 %
// of a dashboard request's CPU (bench/README.md, "pages", third round), and a browser sends the same
// cookie on every request. The cache is keyed by the whole token (the JWE is authenticated, so the
// same string always decrypts to the same payload), the cookie name (the HKDF salt) and the secrets;
// only tokens that decrypted are kept, and `exp` is checked again on every hit. The Session row is
// still read on every request (lib/auth/session.ts), so a revoked session ends as before.
const decodedCache = new Map<string, Decoded>();

async function decodeCached(token: string, name: string): Promise<Decoded | null> {
  const secret = authSecrets();
  const key = `${name}\0${Array.isArray(secret) ? secret.join('\0') : secret}\0${token}`;
  let hit = decodedCache.get(key);
  if (!hit) {
    const payload = await decode({ token, secret, salt: name }); // throws when it does not decrypt or has expired
    if (!payload) return null;
    hit = {
      sid: typeof payload.sid === 'string' ? payload.sid : null,
      exp: typeof payload.exp === 'number' ? payload.exp : null,
    };
    if (decodedCache.size >= DECODED_CACHE_MAX) decodedCache.delete(decodedCache.keys().next().value!);
    decodedCache.set(key, hit);
  }
  if (hit.exp !== null && hit.exp + CLOCK_TOLERANCE_SEC < Date.now() / 1000) {
    decodedCache.delete(key);
    return null;
  }
  return hit;
}

/** How many decrypted cookies the process holds now; for tests of the bound. */
export function decodedCacheSize(): number {
  return decodedCache.size;
}

/**
 * The `sid` of this request's Auth.js session JWT (an opaque id of a Session row), or null when
 * there is no cookie, it does not decrypt with any of authSecrets() (JWE A256CBC-HS512 with a key
 * derived by HKDF from the secret and the cookie name as salt, as @auth/core/jwt encodes it), it has
 * expired (`exp`, 15 s tolerance), or it names no sid. Only inside a request (reads next/headers).
 * A token seen before is not decrypted again (at most DECODED_CACHE_MAX kept per process); its
 * `exp` is checked on every call.
 */
export async function sessionIdFromCookie(): Promise<string | null> {
  const name = sessionCookieName((await headers()).get('x-forwarded-proto'));
  const token = cookieValue((await cookies()).getAll(), name);
  if (!token) return null;
  try {
    return (await decodeCached(token, name))?.sid ?? null;
  } catch {
    return null; // tampered, signed with an unknown secret, or expired: no session
  }
}

/** A new Session.sessionToken (the `sid` a session cookie carries): 256 bits from the CSPRNG. */
export const newSessionToken = () => crypto.randomBytes(32).toString('base64url');

/**
 * Gives this browser a session cookie for `session` (a new Session row: lib/auth/mfa/elevate.ts),
 * written the way Auth.js writes its own: the JWT holds the user and the `sid`, is encrypted with the
 * first of authSecrets() and salted with the cookie's name (sessionCookieName), and the cookie is
 * HttpOnly, SameSite=Lax, Path=/, Secure on https, ending with the session. Only inside a server
 * action or route handler (cookies().set).
 */
export async function setSessionCookie(
  session: { sessionToken: string; expires: Date },
  user: { id: string; email: string; name: string | null },
): Promise<void> {
  const name = sessionCookieName((await headers()).get('x-forwarded-proto'));
  const secret = authSecrets();
  const maxAge = Math.max(1, Math.floor((session.expires.getTime() - Date.now()) / 1000));
  const value = await encode({
    token: { name: user.name, email: user.email, sub: user.id, sid: session.sessionToken },
    secret: Array.isArray(secret) ? secret[0] : secret,
    salt: name,
    maxAge,
  });
  (await cookies()).set(name, value, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    secure: name === SECURE_COOKIE,
    expires: session.expires,
  });
}
