import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createLogger, type Logger } from '@/lib/server/log';
import { LINK_BIND_COOKIE } from '@/lib/auth/link-binding';
import { fakeExchange } from '@/tests/helpers/exchange';
import { VALID_ENV } from '@/tests/helpers/config';

// The front door (lib/server/front-door.ts) on real Node requests, without a server: what Next sees
// on the request and what the answer starts with. The e2e journeys check the same headers end to end.

const lines: Record<string, unknown>[] = [];
const g = globalThis as { __tollgateLog?: Logger };
let frontDoor: typeof import('@/lib/server/front-door').frontDoor;
let requestPath: typeof import('@/lib/server/front-door').requestPath;

beforeAll(async () => {
  for (const [k, v] of Object.entries({ ...VALID_ENV, TRUSTED_PROXY_HOPS: '0' })) vi.stubEnv(k, v);
  vi.resetModules();
  g.__tollgateLog = createLogger(
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  ({ frontDoor, requestPath } = await import('@/lib/server/front-door'));
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
  delete g.__tollgateLog;
});
beforeEach(() => {
  lines.length = 0;
});

function through(target: string, headers: Record<string, string> = {}, method = 'GET') {
  const { req, res } = fakeExchange(target, headers, method);
  frontDoor(req, res);
  return { req, res };
}
const nonceOf = (csp: unknown) => /'nonce-([^']+)'/.exec(String(csp))?.[1];

describe('front door', () => {
  it('gives a page its CSP nonce, on the answer and where Next reads it, and its request id', () => {
    const { req, res } = through('/accounts?x=1', {
      'content-security-policy': "script-src 'nonce-chosen'",
      'x-request-id': 'client-chosen-id-0123',
    });
    const csp = res.getHeader('content-security-policy');
    expect(nonceOf(csp)).toMatch(/^[A-Za-z0-9+/]{40,}={0,2}$/);
    expect(req.headers['content-security-policy']).toBe(csp); // the client's own is gone
    expect(res.getHeader('x-request-id')).toBe(req.headers['x-request-id']);
    expect(req.headers['x-request-id']).not.toBe('client-chosen-id-0123'); // no trusted proxy
    for (const h of ['x-frame-options', 'x-content-type-options', 'referrer-policy', 'permissions-policy'])
      expect(res.getHeader(h), h).toBeTruthy();
    expect(res.getHeader('cache-control')).toBe('no-store');
    expect(res.getHeader('strict-transport-security')).toBeUndefined();
    // One line per request: the path, never the query (a sign-in link's token lives there).
    expect(lines).toEqual([
      expect.objectContaining({
        msg: 'request',
        method: 'GET',
        path: '/accounts',
        reqId: req.headers['x-request-id'],
      }),
    ]);
    // A fresh nonce every request.
    expect(nonceOf(through('/accounts').res.getHeader('content-security-policy'))).not.toBe(nonceOf(csp));
  });

  it('covers every method and target form, as the old middleware matcher did', () => {
    for (const [method, target] of [
      ['HEAD', '/'],
      ['OPTIONS', '/sign-in'],
      ['POST', '/blocks/b1'],
      ['GET', '/api/health'],
      ['GET', '//sign-in/link'],
      ['GET', 'http://evil.example/accounts'],
      ['OPTIONS', '*'],
      ['GET', '/%5fnext/static/x.js'], // Next matches the raw path too: it is not a static file
      ['GET', '/_next/data/b/x.json'],
    ]) {
      expect(through(target, {}, method).res.getHeader('content-security-policy'), target).toBeTruthy();
    }
    for (const target of [
      '/_next/static/chunks/a.js',
      '/_next/image?url=%2Fa.png',
      '/favicon.ico',
      '/_next/static/%0a',
    ]) {
      const { req, res } = through(target);
      expect({ target, headers: res.getHeaderNames(), id: req.headers['x-request-id'] }).toEqual({
        target,
        headers: [],
        id: undefined,
      });
    }
    expect(lines.map((l) => l.path)).not.toContain('/favicon.ico');
  });

  it('reads the path as Next routes it: dot segments resolved, percent-encoding kept', () => {
    expect(requestPath('/x/%2e%2e/sign-in/link?token=t')).toBe('/sign-in/link');
    expect(requestPath('/a%00b')).toBe('/a%00b');
    expect(requestPath('//a/b')).toBe('//a/b');
    expect(requestPath('http://h/a?q')).toBe('/a');
    expect(requestPath('*')).toBe('/');
    expect(requestPath(undefined)).toBe('/');
    // The no-referrer pages, reached by any spelling of their path.
    expect(through('/x/%2e%2e/blocks/b1').res.getHeader('referrer-policy')).toBe('no-referrer');
  });

  it('binds the sign-in link page to the browser, on the request and in the answer', () => {
    for (const cookie of [undefined, 'a=1', `${LINK_BIND_COOKIE}=`]) {
      const { req, res } = through('/sign-in/link?token=t', cookie ? { cookie } : {});
      const set = res.getHeader('set-cookie') as string[];
      const value = new RegExp(`^${LINK_BIND_COOKIE}=([A-Za-z0-9_-]{43});`).exec(set[0])?.[1];
      expect(set).toEqual([
        `${LINK_BIND_COOKIE}=${value}; Path=/sign-in/link; Expires=${set[0].split('Expires=')[1].split(';')[0]}; Max-Age=3600; HttpOnly; SameSite=strict`,
      ]);
      expect(req.headers.cookie).toContain(`${LINK_BIND_COOKIE}=${value}`);
      if (cookie === 'a=1') expect(req.headers.cookie).toContain('a=1');
      expect(res.getHeader('referrer-policy')).toBe('no-referrer');
    }
    const kept = through('/sign-in/link', { cookie: `${LINK_BIND_COOKIE}=mine` });
    expect(kept.res.getHeader('set-cookie')).toBeUndefined();
    expect(kept.req.headers.cookie).toBe(`${LINK_BIND_COOKIE}=mine`);
    expect(through('/sign-in').res.getHeader('set-cookie')).toBeUndefined();
    const https = through('/sign-in/link', { 'x-forwarded-proto': 'https' }).res;
    expect(String((https.getHeader('set-cookie') as string[])[0])).toContain('; Secure;');
    expect(https.getHeader('strict-transport-security')).toBeTruthy();
  });

  it('sends a path holding a control character to the 404 page, with the headers', () => {
    for (const target of ['/a%00b', '/blocks/%1F', '/x%7f?q=1']) {
      const { req, res } = through(target);
      expect(req.url, target).toBe('/_no-such-page');
      expect(res.getHeader('content-security-policy')).toBeTruthy();
    }
    expect(through('/a%2500b').req.url).toBe('/a%2500b'); // "%00" as text, not a NUL
  });
});
