import { expect, type APIResponse, type Response } from '@playwright/test';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/**
 * Expects the answer to carry what proxy.ts sets on every request its matcher takes (all but static
 * files): a CSP with a nonce, the other security headers and a request id
 * (the portal runs with TRUSTED_PROXY_HOPS=0: always a fresh UUID). `referrer`: the Referrer-Policy
 * expected (same-origin on the pages reached from email links). Returns the nonce and the id.
 */
export async function expectSecurityHeaders(
  response: Response | APIResponse | null | undefined,
  o: { referrer?: string } = {},
): Promise<{ nonce: string; requestId: string }> {
  expect(response, 'a response').toBeTruthy();
  const r = response!;
  const h = 'allHeaders' in r ? await r.allHeaders() : r.headers();
  const where = `${'request' in r ? r.request().method() : 'GET'} ${r.url()} (${r.status()})`;
  const nonce = /'nonce-([A-Za-z0-9+/=]+)'/.exec(h['content-security-policy'] ?? '')?.[1] ?? '';
  expect(nonce, `CSP nonce on ${where}`).not.toBe('');
  expect(h['content-security-policy'], where).toContain(`frame-ancestors 'none'`);
  expect(
    {
      'x-frame-options': h['x-frame-options'],
      'x-content-type-options': h['x-content-type-options'],
      'referrer-policy': h['referrer-policy'],
      'cross-origin-opener-policy': h['cross-origin-opener-policy'],
      'permissions-policy': Boolean(h['permissions-policy']),
    },
    where,
  ).toEqual({
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': o.referrer ?? 'strict-origin-when-cross-origin',
    'cross-origin-opener-policy': 'same-origin',
    'permissions-policy': true,
  });
  expect(h['cache-control'], where).toContain('no-store');
  expect(h['x-request-id'], `request id on ${where}`).toMatch(UUID);
  return { nonce, requestId: h['x-request-id'] };
}

/**
 * Expects every `<script>` tag of the HTML answer to carry `nonce` (the one its CSP names), and the
 * answer to have some. Only the server's HTML: scripts the page adds later (chunks the client router
 * loads) need none under `'strict-dynamic'`.
 */
export async function expectScriptsCarry(response: Response | null | undefined, nonce: string) {
  const tags = (await response!.text()).match(/<script\b[^>]*>/g) ?? [];
  expect(tags.length, `scripts in ${response!.url()}`).toBeGreaterThan(0);
  expect(tags.filter((t) => !t.includes(` nonce="${nonce}"`))).toEqual([]);
}
