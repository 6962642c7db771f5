import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { VALID_ENV } from '@/tests/helpers/config';

// A path the proxy (proxy.ts) must answer with the app's 404 page, by a rewrite to a path no route
// matches, before Next's route matcher reads it: a percent-encoded control character (PostgreSQL
// refuses NUL in text), and a path whose percent-encoding does not decode as UTF-8. Next decodes a
// dynamic segment (`/blocks/[id]`) with decodeURIComponent and answered such a path with a bare
// "Internal Server Error" (500) on every dynamic route, signed in or not (break-15, finding 1).

type Proxy = (request: NextRequest) => Promise<Response>;
let proxy: Proxy;

beforeAll(async () => {
  for (const [k, v] of Object.entries(VALID_ENV)) vi.stubEnv(k, v);
  vi.resetModules();
  ({ proxy } = (await import('@/proxy')) as { proxy: Proxy });
});
afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const rewrite = async (path: string) =>
  (await proxy(new NextRequest(`http://localhost:3000${path}`))).headers.get('x-middleware-rewrite');

describe('paths that name nothing', () => {
  it.each([
    '/blocks/%ff', // a byte that starts no UTF-8 sequence
    '/blocks/%', // a lone percent sign
    '/accounts/%E0%A4%A', // a sequence cut short
    '/credentials/%ED%A0%80/reset', // an encoded UTF-16 surrogate (CESU-8)
    '/dev/mailbox/%C0%80/html', // an overlong NUL
    '/staff/requests/%F4%90%80%80', // past U+10FFFF
    '/blocks/%00', // a control character (already refused before this finding)
  ])('%s gets the 404 page', async (path) => {
    expect(await rewrite(path)).toMatch(/\/_no-such-page$/);
  });

  it.each([
    '/blocks/cmx5mldx10003sq7dm4p3o5o9',
    '/accounts/ACC-1001',
    '/blocks/%F0%9F%98%80',
    '/blocks/a%2Fb',
  ])('%s is served as it is', async (path) => {
    expect(await rewrite(path)).toBeNull();
  });
});

describe('server-action POSTs Next would answer with 500', () => {
  const action = (headers: Record<string, string>, body: BodyInit = '["$K1"]') =>
    proxy(
      new NextRequest('http://localhost:3000/profile', {
        method: 'POST',
        headers: {
          host: 'localhost:3000',
          'next-action': '7f0aff9665d7f1d853597f1c11ae5ed986cd787bb3',
          ...headers,
        },
        body,
      }),
    );

  it('are answered here: 413 when too large, 403 from another origin, with the security headers', async () => {
    const large = await action({ 'content-length': String(70 * 1024) });
    expect(large.status).toBe(413);
    expect(await large.text()).toBe('A form may send at most 64 KiB.');
    const foreign = await action({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get('content-security-policy')).toBeTruthy();
    expect(foreign.headers.get('x-request-id')).toBeTruthy();
    expect((await action({ origin: 'http://localhost:3000' })).headers.get('x-middleware-next')).toBe('1');
  });

  it('take no X-Forwarded-Host from a client when no proxy of ours sets it (TRUSTED_PROXY_HOPS=0)', async () => {
    // Next's CSRF rule took the Origin if it matched X-Forwarded-Host: a client naming both ran the
    // action. The header is dropped before Next (and Auth.js, which builds its URLs from it) reads it.
    const spoofed = await action({ origin: 'http://evil.example', 'x-forwarded-host': 'evil.example' });
    expect(spoofed.status).toBe(403);
    const passed = await action({ origin: 'http://localhost:3000', 'x-forwarded-host': 'evil.example' });
    expect(passed.headers.get('x-middleware-next')).toBe('1');
    expect(passed.headers.get('x-middleware-override-headers')?.split(',')).not.toContain('x-forwarded-host');
  });

  it('read the body: one Next cannot decode is a 400, one past the limit without a length a 413', async () => {
    const unreadable = await action({ 'content-type': 'text/plain;charset=UTF-8' }, 'not json');
    expect(unreadable.status).toBe(400);
    expect(await unreadable.text()).toBe("This form's data could not be read. Send it again.");
    expect(unreadable.headers.get('content-security-policy')).toBeTruthy();
    // A chunked body declares no length: it is counted as it arrives.
    const chunked = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 70; i++) c.enqueue(new Uint8Array(1024).fill(97));
        c.close();
      },
    });
    expect(
      (
        await proxy(
          new NextRequest(
            new Request('http://localhost:3000/profile', {
              method: 'POST',
              headers: { host: 'localhost:3000', 'next-action': 'ab' },
              body: chunked,
              duplex: 'half',
            } as RequestInit),
          ),
        )
      ).status,
    ).toBe(413);
    // A form sent without JavaScript from another site is refused as a call from one is.
    const form = new FormData();
    form.set('$ACTION_ID_7f0aff9665d7f1d853597f1c11ae5ed986cd787bb3', '');
    const noScript = await proxy(
      new NextRequest('http://localhost:3000/sign-in', {
        method: 'POST',
        headers: { host: 'localhost:3000', origin: 'https://evil.example' },
        body: form,
      }),
    );
    expect(noScript.status).toBe(403);
  });
});
