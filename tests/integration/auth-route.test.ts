import { describe, expect, it } from 'vitest';
import { POST } from '@/app/api/auth/[...nextauth]/route';

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
