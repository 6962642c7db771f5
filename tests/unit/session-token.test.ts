import { encode } from 'next-auth/jwt';
import { afterEach, describe, expect, it, vi } from 'vitest';

// lib/auth/session-token.ts reads the Auth.js session cookie the way Auth.js writes it (@auth/core/jwt
// encode, salt = cookie name). The request's cookies are the edge mocked here; the JWTs are real.
let jar: { name: string; value: string }[] = [];
vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  cookies: async () => ({ getAll: () => jar }),
}));
const { sessionIdFromCookie } = await import('@/lib/auth/session-token');

const HTTP = 'authjs.session-token';
const HTTPS = '__Secure-authjs.session-token';
const secret = () => process.env.AUTH_SECRET!;
const token = (sid: unknown, opts: { salt?: string; secret?: string; maxAge?: number } = {}) =>
  encode({
    token: { sub: 'user-1', sid } as Record<string, unknown>,
    secret: opts.secret ?? secret(),
    salt: opts.salt ?? HTTP,
    maxAge: opts.maxAge ?? 3600,
  });

afterEach(() => {
  jar = [];
  delete process.env.AUTH_SECRET_PREVIOUS;
});

describe('sessionIdFromCookie', () => {
  it('reads the sid of a cookie Auth.js wrote, on http and on https', async () => {
    jar = [{ name: HTTP, value: await token('sid-http') }];
    expect(await sessionIdFromCookie()).toBe('sid-http');
    jar = [{ name: HTTPS, value: await token('sid-https', { salt: HTTPS }) }];
    expect(await sessionIdFromCookie()).toBe('sid-https');
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
});
