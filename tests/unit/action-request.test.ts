import { describe, expect, it } from 'vitest';
import { ACTION_BODY_LIMIT, refusedActionPost } from '@/lib/server/action-request';

// A server action is a POST with a `Next-Action` header. Next refuses a body over the actions' limit
// and an Origin that is not the request's host (its CSRF rule for actions) by throwing, which it
// answers with 500, and an Origin it cannot parse ("") with a bare 500 (break-15, finding 7). The
// proxy answers those before Next reads the request: 413 and 403, nothing run, nothing logged as an
// error.

const post = (headers: Record<string, string>, method = 'POST') =>
  refusedActionPost(
    method,
    new Headers({ 'next-action': '7f5147c4075376d795a36051f0ef73983f2262900e', ...headers }),
  );

describe('refusedActionPost', () => {
  it('refuses a declared body over the limit with 413', () => {
    expect(post({ host: 'portal.example', 'content-length': String(ACTION_BODY_LIMIT + 1) })?.status).toBe(
      413,
    );
    expect(post({ host: 'portal.example', 'content-length': String(ACTION_BODY_LIMIT) })).toBeNull();
  });

  it.each([
    ['another site', 'https://evil.example'],
    ['a sandboxed frame', 'null'],
    ['a look-alike host', 'http://portal.example.evil.example'],
    ['an empty Origin', ''],
    ['an Origin that is no URL', 'http://['],
  ])('refuses an Origin from %s with 403', (_, origin) => {
    expect(post({ host: 'portal.example', origin })?.status).toBe(403);
  });

  it('takes the own origin, by X-Forwarded-Host or Host as Next reads them, and no Origin (not a browser)', () => {
    expect(post({ host: 'portal.example', origin: 'https://portal.example' })).toBeNull();
    expect(
      post({
        host: '127.0.0.1:3000',
        'x-forwarded-host': 'portal.example',
        origin: 'https://portal.example',
      }),
    ).toBeNull();
    expect(
      post({ host: 'portal.example', 'x-forwarded-host': 'lb.internal', origin: 'https://portal.example' }),
    ).toBeNull();
    expect(post({ host: 'portal.example' })).toBeNull();
  });

  it('leaves every other request to Next', () => {
    expect(refusedActionPost('POST', new Headers({ host: 'a', origin: 'https://evil.example' }))).toBeNull();
    expect(post({ host: 'a', origin: 'https://evil.example' }, 'GET')).toBeNull();
  });
});
