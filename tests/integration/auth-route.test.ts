import { encode } from '@auth/core/jwt';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { GET, POST } from '@/app/api/auth/[...nextauth]/route';
import { log } from '@/lib/server/log';
import { getDb } from '@/lib/server/db';
import { useFreshDb } from '@/tests/helpers/db';
import { makeUserWithSession } from '@/tests/helpers/factory';

describe("Auth.js's own credentials and link endpoints", () => {
  it('do not exist: password and link sign-in only go through the rate-limited, audited server actions', async () => {
    for (const path of [
      '/api/auth/callback/credentials',
      '/api/auth/signin/credentials',
      '/api/auth/callback/link',
      '/api/auth/signin/link',
      '/api/auth/callback/nodemailer',
      '/api/auth/signin/nodemailer',
    ]) {
      const res = await POST(
        new Request(`http://localhost${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'email=dana%40acme.example&password=guess',
        }),
      );
      expect(res.status).toBe(404);
    }
  });
});

describe("Auth.js's pages", () => {
  beforeAll(async () => {
    await useFreshDb('sqlite');
  });

  it('"check your email" sends to the sign-in page, which exists (it was a 404 page)', async () => {
    const res = await GET(new Request('http://localhost/api/auth/verify-request'));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, 'http://localhost').pathname).toBe('/sign-in');
  });

  it('"sign out" sends to the profile, with the portal’s sign-out forms (it was Auth.js’s own page)', async () => {
    const res = await GET(new Request('http://localhost/api/auth/signout'));
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location')!, 'http://localhost').pathname).toBe('/profile');
  });
});

describe("Auth.js's session endpoint", () => {
  beforeAll(async () => {
    await useFreshDb('sqlite'); // the route reads the validated configuration, DATABASE_URL included
  });

  /** A live login and Session row, and the Auth.js cookie that carries the row's token. */
  async function signedIn() {
    const { u, s } = await makeUserWithSession('customer');
    const cookie = await encode({
      token: { sub: u.id, sid: s.sessionToken, name: 'Dana', email: u.email },
      secret: process.env.AUTH_SECRET!,
      salt: 'authjs.session-token',
      maxAge: 3600,
    });
    const ask = () =>
      GET(
        new Request('http://localhost/api/auth/session', {
          headers: { cookie: `authjs.session-token=${cookie}` },
        }),
      );
    return { u, s, ask };
  }
  const renewed = (res: Response) =>
    res.headers.getSetCookie().filter((c) => /^authjs\.session-token=[^;]/.test(c));

  it('answers who is signed in, never the session token (page scripts could read it; the cookie is HttpOnly)', async () => {
    const { u, s, ask } = await signedIn();
    const res = await ask();
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ user: { email: u.email } });
    expect(body).not.toContain(s.sessionToken);
    expect(renewed(res)).toHaveLength(1);
  });

  // Review 30: the endpoint decoded the cookie alone, so a login support disabled or signed out
  // everywhere kept its name and address there, with the cookie renewed at each ask.
  it('answers null and renews nothing once the Session row is gone, has expired, or its login is disabled', async () => {
    const db = getDb();
    const cases: [string, (x: Awaited<ReturnType<typeof signedIn>>) => Promise<unknown>][] = [
      ['signed out everywhere', ({ s }) => db.session.delete({ where: { id: s.id } })],
      [
        'expired',
        ({ s }) => db.session.update({ where: { id: s.id }, data: { expires: new Date(Date.now() - 1000) } }),
      ],
      ['disabled', ({ u }) => db.user.update({ where: { id: u.id }, data: { disabled: true } })],
    ];
    for (const [why, end] of cases) {
      const x = await signedIn();
      expect((await (await x.ask()).json())?.user?.email, why).toBe(x.u.email);
      await end(x);
      const res = await x.ask();
      expect(await res.json(), why).toBeNull();
      expect(renewed(res), why).toHaveLength(0);
    }
  });
});

describe("Auth.js's session cookie on https", () => {
  beforeAll(async () => {
    await useFreshDb('sqlite');
  });

  // A live Session row (the endpoint answers for a live one only), made once.
  let live: Promise<{ sid: string }> | null = null;
  const session = () => (live ??= makeUserWithSession('customer').then(({ s }) => ({ sid: s.sessionToken })));
  const sealed = async (salt: string) =>
    encode({
      token: { sub: 'user-1', sid: (await session()).sid, name: 'Dana', email: 'dana@acme.example' },
      secret: process.env.AUTH_SECRET!,
      salt,
      maxAge: 3600,
    });
  const ask = async (url: string, name: string) =>
    GET(new Request(url, { headers: { cookie: `${name}=${await sealed(name)}` } }));

  it('is the __Host- cookie: Auth.js reads it and writes it back Secure, Path=/, with no Domain', async () => {
    const res = await ask('https://portal.example/api/auth/session', '__Host-authjs.session-token');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ user: { email: 'dana@acme.example' } });
    const written = res.headers.getSetCookie().filter((c) => c.includes('authjs.session-token'));
    expect(written.length).toBeGreaterThan(0);
    for (const c of written) {
      expect(c).toMatch(/^__Host-authjs\.session-token=/);
      expect(c).toMatch(/; Secure/i);
      expect(c).toMatch(/; Path=\//i);
      expect(c).not.toMatch(/; Domain=/i);
    }
  });

  it('is not a cookie under Auth.js’s own __Secure- name, which a sibling host can set for the parent domain', async () => {
    const res = await ask('https://portal.example/api/auth/session', '__Secure-authjs.session-token');
    expect(res.status).toBe(200);
    expect(await res.json()).toBeNull();
  });

  it('on http keeps Auth.js’s plain name (a demo on a LAN address has no https)', async () => {
    const res = await ask('http://192.0.2.10:3000/api/auth/session', 'authjs.session-token');
    expect(await res.json()).toMatchObject({ user: { email: 'dana@acme.example' } });
    const other = await ask('http://192.0.2.10:3000/api/auth/session', '__Host-authjs.session-token');
    expect(await other.json()).toBeNull();
  });
});

describe("a request Auth.js's endpoints cannot serve", () => {
  beforeAll(async () => {
    await useFreshDb('sqlite');
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  // Anyone can send these. Each one was logged at level 50 ("Auth.js error", with a stack): an error
  // line is what operators alert on, so a stranger could page them at will (break-15, finding 2).
  // They are the request's fault, not the server's: a warning, with the error's type only.
  it('is logged as a refused request (warn), never as an error', async () => {
    const error = vi.spyOn(log(), 'error').mockImplementation(() => {});
    const warn = vi.spyOn(log(), 'warn').mockImplementation(() => {});
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const requests: [string, Request][] = [
      [
        'UnknownAction',
        new Request('http://localhost/api/auth/csrf', { method: 'POST', headers: form, body: '' }),
      ],
      ['UnknownAction', new Request('http://localhost/api/auth/no-such-action')],
      [
        'MissingCSRF',
        new Request('http://localhost/api/auth/session', { method: 'POST', headers: form, body: '' }),
      ],
      [
        'MissingCSRF',
        new Request('http://localhost/api/auth/signout', { method: 'POST', headers: form, body: '' }),
      ],
      ['InvalidProvider', new Request('http://localhost/api/auth/callback')],
      ['UnknownProvider', new Request('http://localhost/api/auth/callback/email?token=abc')],
      // A session cookie that does not decrypt: made up, cut short, or from before AUTH_SECRET changed.
      [
        'JWTSessionError',
        new Request('http://localhost/api/auth/session', {
          headers: { cookie: 'authjs.session-token=garbage' },
        }),
      ],
      ['UnknownProvider', new Request('http://localhost/api/auth/signin/no-such-provider')],
    ];
    for (const [type, request] of requests) {
      const res = await (request.method === 'POST' ? POST(request) : GET(request));
      expect(res.status, request.url).toBeLessThan(500);
      expect(warn, request.url).toHaveBeenLastCalledWith({ authError: type }, 'sign-in refused');
    }
    expect(error).not.toHaveBeenCalled();
  });
});
