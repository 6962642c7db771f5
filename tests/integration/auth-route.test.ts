import { encode } from '@auth/core/jwt';
import { beforeAll, describe, expect, it } from 'vitest';
import { GET, POST } from '@/app/api/auth/[...nextauth]/route';
import { useFreshDb } from '@/tests/helpers/db';

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

describe("Auth.js's session endpoint", () => {
  beforeAll(async () => {
    await useFreshDb('sqlite'); // the route reads the validated configuration, DATABASE_URL included
  });

  it('answers who is signed in, never the session token (page scripts could read it; the cookie is HttpOnly)', async () => {
    const sid = 'a'.repeat(64);
    const cookie = await encode({
      token: { sub: 'user-1', sid, name: 'Dana', email: 'dana@acme.example' },
      secret: process.env.AUTH_SECRET!,
      salt: 'authjs.session-token',
      maxAge: 3600,
    });
    const res = await GET(
      new Request('http://localhost/api/auth/session', {
        headers: { cookie: `authjs.session-token=${cookie}` },
      }),
    );
    expect(res.status).toBe(200);
    const body = await res.text();
    expect(JSON.parse(body)).toMatchObject({ user: { email: 'dana@acme.example' } });
    expect(body).not.toContain(sid);
  });
});
