import { encode } from 'next-auth/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';

// lib/auth/session-token.ts reads the Auth.js session cookie the way Auth.js writes it (@auth/core/jwt
// encode, salt = cookie name). The request's cookies are the edge mocked here; the JWTs are real.
let jar: { name: string; value: string }[] = [];
let proto: string | null = 'http';
let setOptions: Record<string, unknown> | undefined;
vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  cookies: async () => ({
    getAll: () => jar,
    set: (name: string, value: string, options: Record<string, unknown>) => {
      jar = [...jar.filter((c) => c.name !== name), { name, value }];
      setOptions = options;
    },
  }),
  headers: async () => new Headers(proto ? { 'x-forwarded-proto': proto } : {}),
}));
// The real decode, counted: a cookie seen before is not decrypted again.
const decodeCalls = vi.hoisted(() => ({ n: 0 }));
vi.mock('next-auth/jwt', async (importOriginal) => {
  const real = await importOriginal<typeof import('next-auth/jwt')>();
  return {
    ...real,
    decode: (...args: Parameters<typeof real.decode>) => {
      decodeCalls.n++;
      return real.decode(...args);
    },
  };
});
const { authCookies, authSecrets, sessionIdFromCookie, sessionCookieName, setSessionCookie } =
  await import('@/lib/auth/session-token');
const { hashLinkToken } = await import('@/lib/mail/link-token');

const HTTP = 'authjs.session-token';
const HTTPS = '__Host-authjs.session-token';
/** The name Auth.js itself gives the cookie on https, which a sibling host can set for the parent domain. */
const AUTHJS_HTTPS = '__Secure-authjs.session-token';
const secret = () => process.env.AUTH_SECRET!;
const token = (sid: unknown, opts: { salt?: string; secret?: string; maxAge?: number } = {}) =>
  encode({
    token: { sub: 'user-1', sid } as Record<string, unknown>,
    secret: opts.secret ?? secret(),
    salt: opts.salt ?? HTTP,
    maxAge: opts.maxAge ?? 3600,
  });

afterEach(() => {
  vi.restoreAllMocks();
  jar = [];
  proto = 'http';
  delete process.env.AUTH_SECRET_PREVIOUS;
});

// Found by the ops round (2026-12-02): an empty key signs and hashes without complaint, so a command
// run without AUTH_SECRET would have made session JWTs and link hashes anyone could forge.
describe('AUTH_SECRET unset or empty', () => {
  it('stops the session key and the sign-in link hash instead of using an empty key', () => {
    const kept = process.env.AUTH_SECRET;
    try {
      for (const value of [undefined, '']) {
        if (value === undefined) delete process.env.AUTH_SECRET;
        else process.env.AUTH_SECRET = value;
        expect(() => authSecrets()).toThrow(/AUTH_SECRET is not set/);
        process.env.AUTH_SECRET_PREVIOUS = 'previous-secret-previous-secret-0123';
        expect(() => authSecrets()).toThrow(/AUTH_SECRET is not set/);
        delete process.env.AUTH_SECRET_PREVIOUS;
        expect(() => hashLinkToken('token')).toThrow(/AUTH_SECRET is not set/);
      }
    } finally {
      process.env.AUTH_SECRET = kept;
    }
    expect(authSecrets()).toBe(kept);
  });
});

describe('sessionIdFromCookie', () => {
  it('reads the sid of a cookie Auth.js wrote, on http and on https', async () => {
    jar = [{ name: HTTP, value: await token('sid-http') }];
    expect(await sessionIdFromCookie()).toBe('sid-http');
    proto = 'https';
    jar = [{ name: HTTPS, value: await token('sid-https', { salt: HTTPS }) }];
    expect(await sessionIdFromCookie()).toBe('sid-https');
  });

  it('on https, a plain-named cookie (planted by a sibling subdomain or over http) is no session', async () => {
    proto = 'https';
    jar = [{ name: HTTP, value: await token('sid-planted') }];
    expect(await sessionIdFromCookie()).toBeNull();
    proto = null; // no forwarded protocol: Auth.js assumes https, so do we
    expect(await sessionIdFromCookie()).toBeNull();
  });

  it('on https, only the __Host- cookie is a session: not one under Auth.js’s own __Secure- name', async () => {
    proto = 'https';
    // What a sibling host can set for the parent domain (Domain=example.com; Secure), sealed right.
    jar = [{ name: AUTHJS_HTTPS, value: await token('sid-tossed', { salt: AUTHJS_HTTPS }) }];
    expect(await sessionIdFromCookie()).toBeNull();
    jar = [{ name: HTTPS, value: await token('sid-host', { salt: HTTPS }) }];
    expect(await sessionIdFromCookie()).toBe('sid-host');
  });

  it('gives Auth.js the __Host- session cookie on https and its own default on http', () => {
    const host = { name: HTTPS, options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true } };
    expect(authCookies('https:', {})).toEqual({ sessionToken: host });
    expect(authCookies('https', {})).toEqual({ sessionToken: host });
    expect(authCookies(null, {})).toEqual({ sessionToken: host });
    expect(authCookies('http:', { AUTH_URL: 'https://portal.example.com' })).toEqual({ sessionToken: host });
    expect(authCookies('http:', {})).toBeUndefined();
    expect(authCookies('https:', { AUTH_URL: 'http://localhost:3000' })).toBeUndefined();
  });

  it('picks the one cookie name Auth.js would: AUTH_URL first, then the forwarded protocol', () => {
    expect(sessionCookieName('http', {})).toBe(HTTP);
    expect(sessionCookieName('https', {})).toBe(HTTPS);
    expect(sessionCookieName(null, {})).toBe(HTTPS);
    expect(sessionCookieName('http', { AUTH_URL: 'https://portal.example.com' })).toBe(HTTPS);
    expect(sessionCookieName('https', { NEXTAUTH_URL: 'http://localhost:3000' })).toBe(HTTP);
  });

  it('joins a cookie split in chunks, in index order', async () => {
    const value = await token('sid-chunked');
    const cut = Math.floor(value.length / 3);
    jar = [
      { name: `${HTTP}.2`, value: value.slice(2 * cut) },
      { name: `${HTTP}.0`, value: value.slice(0, cut) },
      { name: `${HTTP}.1`, value: value.slice(cut, 2 * cut) },
    ];
    expect(await sessionIdFromCookie()).toBe('sid-chunked');
  });

  it('has no session without a cookie, or with one that is not a session of this portal', async () => {
    expect(await sessionIdFromCookie()).toBeNull();
    jar = [{ name: HTTP, value: 'not-a-jwt' }];
    expect(await sessionIdFromCookie()).toBeNull();
    jar = [{ name: HTTP, value: await token('sid', { secret: 'another-secret-another-secret-0123456789' }) }];
    expect(await sessionIdFromCookie()).toBeNull();
    // A token made for the other cookie name (a different HKDF salt) does not decrypt under this one.
    jar = [{ name: HTTP, value: await token('sid', { salt: HTTPS }) }];
    expect(await sessionIdFromCookie()).toBeNull();
    jar = [{ name: HTTP, value: await token(42) }];
    expect(await sessionIdFromCookie()).toBeNull();
  });

  it('refuses an expired token', async () => {
    jar = [{ name: HTTP, value: await token('sid-old', { maxAge: -60 }) }];
    expect(await sessionIdFromCookie()).toBeNull();
  });

  it('still reads sessions signed with the previous secret during a rotation', async () => {
    const previous = 'previous-secret-previous-secret-0123456789';
    jar = [{ name: HTTP, value: await token('sid-rotated', { secret: previous }) }];
    expect(await sessionIdFromCookie()).toBeNull();
    process.env.AUTH_SECRET_PREVIOUS = previous;
    expect(await sessionIdFromCookie()).toBe('sid-rotated');
  });

  it('decrypts a cookie once, and still checks its expiry on every request', async () => {
    jar = [{ name: HTTP, value: await token('sid-cached', { maxAge: 60 }) }];
    const before = decodeCalls.n;
    expect(await sessionIdFromCookie()).toBe('sid-cached');
    expect(await sessionIdFromCookie()).toBe('sid-cached');
    expect(decodeCalls.n - before).toBe(1);
    const now = Date.now();
    vi.spyOn(Date, 'now').mockReturnValue(now + 60_000 + 16_000); // past exp and Auth.js's 15 s tolerance
    expect(await sessionIdFromCookie()).toBeNull();
  });

  it('forgets what a secret decrypted once that secret is no longer configured', async () => {
    const previous = 'retired-secret-retired-secret-0123456789ab';
    process.env.AUTH_SECRET_PREVIOUS = previous;
    jar = [{ name: HTTP, value: await token('sid-retired', { secret: previous }) }];
    expect(await sessionIdFromCookie()).toBe('sid-retired');
    delete process.env.AUTH_SECRET_PREVIOUS;
    expect(await sessionIdFromCookie()).toBeNull();
  });

  it('does not take a cached token under the other cookie name', async () => {
    const value = await token('sid-http-only');
    jar = [{ name: HTTP, value }];
    expect(await sessionIdFromCookie()).toBe('sid-http-only');
    proto = 'https';
    jar = [{ name: HTTPS, value }];
    expect(await sessionIdFromCookie()).toBeNull();
  });
});

describe('setSessionCookie', () => {
  it('replaces the cookie with one that names the new session, readable as Auth.js writes it, on http and https', async () => {
    const user = { id: 'user-1', email: 'a@t.example', name: null };
    const expires = new Date(Date.now() + 3600_000);
    jar = [{ name: HTTP, value: await token('sid-old') }];
    await setSessionCookie({ sessionToken: 'sid-new', expires }, user);
    expect(jar.map((c) => c.name)).toEqual([HTTP]);
    expect(await sessionIdFromCookie()).toBe('sid-new');
    expect(setOptions).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure: false, expires });

    proto = 'https';
    await setSessionCookie({ sessionToken: 'sid-https', expires }, user);
    expect(await sessionIdFromCookie()).toBe('sid-https');
    expect(setOptions).toMatchObject({ secure: true, httpOnly: true });
  });
});
