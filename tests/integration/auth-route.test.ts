import { describe, expect, it } from 'vitest';
import { POST } from '@/app/api/auth/[...nextauth]/route';

describe("Auth.js's own credentials endpoints", () => {
  it('do not exist: password sign-in only goes through the rate-limited, audited server action', async () => {
    for (const path of ['/api/auth/callback/credentials', '/api/auth/signin/credentials']) {
      const res = await POST(new Request(`http://localhost${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'email=dana%40acme.example&password=guess' }));
      expect(res.status).toBe(404);
    }
  });
});
