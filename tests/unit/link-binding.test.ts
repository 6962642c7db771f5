import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  bindingIssuedAt,
  bindingsToDrop,
  isLinkBindCookie,
  LINK_BIND_MAX_COOKIES,
  LINK_BIND_PREFIX,
  linkBindCookie,
  newLinkBinding,
} from '@/lib/auth/link-binding';
import { VALID_ENV } from '@/tests/helpers/config';

// One binding cookie per sign-in link (lib/auth/link-binding.ts), set by proxy.ts on the GET of the
// link's page. A tester opened 10 block notices of one login as tabs of one browser at once: with one
// cookie for every link, each page load set its own value, the last one won, and 8 of the 10 tabs'
// Continue were refused (session 56). The browser side of that race is e2e/10-sign-in-edges.spec.ts
// ("several sign-in links opened at once as tabs of one browser: each tab's Continue signs in").

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

const A = 'a1'.repeat(32);
const B = 'b2'.repeat(32);

/** The link page's GET (or `method`) with the browser's `cookies`; returns the Set-Cookie lines. */
async function load(query: string, cookies: Record<string, string> = {}, method = 'GET') {
  const cookie = Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');
  const res = await proxy(
    new NextRequest(`https://portal.example.com/sign-in/link?${query}`, {
      method,
      headers: cookie ? { cookie } : {},
    }),
  );
  return res.headers.getSetCookie();
}

/** name → value of the cookies a response sets (a deletion: empty value). */
const setBy = (lines: string[]) =>
  Object.fromEntries(lines.map((l) => /^([^=]+)=([^;]*)/.exec(l)!.slice(1, 3) as [string, string]));

describe('the name of a link’s binding cookie', () => {
  it('is the prefix and 16 hex digits, the same for the same token, another for another, never the token', () => {
    expect(linkBindCookie(A)).toMatch(/^tollgate-link-bind-[0-9a-f]{16}$/);
    expect(linkBindCookie(A)).toBe(linkBindCookie(A));
    expect(linkBindCookie(A)).not.toBe(linkBindCookie(B));
    expect(linkBindCookie(A)).not.toContain(A.slice(0, 16));
    expect(isLinkBindCookie(linkBindCookie(A))).toBe(true);
    expect(isLinkBindCookie('tollgate-link-bind')).toBe(false);
    expect(isLinkBindCookie(`${LINK_BIND_PREFIX}zz`)).toBe(false);
  });

  it('a value says when it was made; an old-style value counts as oldest', () => {
    const v = newLinkBinding(Date.UTC(2026, 11, 7, 18, 0, 0));
    expect(v).toMatch(/^[0-9a-z]+\.[A-Za-z0-9_-]{43}$/);
    expect(bindingIssuedAt(v)).toBe(Date.UTC(2026, 11, 7, 18, 0, 0) / 1000);
    expect(bindingIssuedAt('x'.repeat(43))).toBe(0);
    expect(newLinkBinding()).not.toBe(newLinkBinding());
  });
});

describe('the proxy sets one binding per link', () => {
  it("sets this link's cookie with the rules of the one it replaces: its path, HttpOnly, SameSite=Lax, Secure, a day", async () => {
    const lines = await load(`token=${A}&callbackUrl=/blocks/x`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^${linkBindCookie(A)}=[0-9a-z]+\\.[A-Za-z0-9_-]{43}; Path=/sign-in/link; (Expires=[^;]+; )?Max-Age=86400; Secure; HttpOnly; SameSite=lax$`,
      ),
    );
  });

  it("pages of two links loaded at the same moment (neither cookie yet) each set their own; neither replaces the other's", async () => {
    const [a, b] = await Promise.all([load(`token=${A}`), load(`token=${B}`)]);
    expect(Object.keys(setBy(a))).toEqual([linkBindCookie(A)]);
    expect(Object.keys(setBy(b))).toEqual([linkBindCookie(B)]);
    // Two names: the browser keeps both, whichever answer it stores last.
    expect(Object.keys(setBy(a))).not.toEqual(Object.keys(setBy(b)));
  });

  it("another link's page leaves this link's binding alone; this link opened again keeps its own", async () => {
    const mine = { [linkBindCookie(A)]: newLinkBinding() };
    expect(Object.keys(setBy(await load(`token=${B}`, mine)))).toEqual([linkBindCookie(B)]);
    // Opened again (from webmail, say): no new value, so a page already open still continues.
    expect(await load(`token=${A}`, mine)).toEqual([]);
    expect(await load(`token=${A}`, mine, 'HEAD')).toEqual([]);
  });

  it('names the cookie after the token as the page reads it (upper case, `&amp;`, a period after it)', async () => {
    const lines = await load(`amp;callbackUrl=/&amp;token=${A.toUpperCase()}.`);
    expect(Object.keys(setBy(lines))).toEqual([linkBindCookie(A)]);
  });

  it('sets nothing for a POST, nor for a query without a whole token, nor on another page', async () => {
    expect(await load(`token=${A}`, {}, 'POST')).toEqual([]);
    expect(await load(`token=${A.slice(0, 40)}`)).toEqual([]);
    expect(await load('')).toEqual([]);
    const other = await proxy(new NextRequest(`https://portal.example.com/sign-in?token=${A}`));
    expect(other.headers.getSetCookie()).toEqual([]);
  });

  it(`keeps at most ${LINK_BIND_MAX_COOKIES}: a new one drops the oldest, and only binding cookies`, async () => {
    const now = Date.now();
    const jar: Record<string, string> = { 'authjs.session-token': 'keep', 'tollgate-link-bind': 'legacy' };
    const names: string[] = [];
    for (let i = 0; i < LINK_BIND_MAX_COOKIES; i++) {
      const name = linkBindCookie(`token-${i}`);
      names.push(name);
      jar[name] = newLinkBinding(now - (LINK_BIND_MAX_COOKIES - i) * 60_000); // names[0] is the oldest
    }
    const set = setBy(await load(`token=${A}`, jar));
    expect(set).toEqual({ [names[0]]: '', [linkBindCookie(A)]: expect.stringMatching(/\./) });
    // The oldest is deleted where it lives: the same path, so the browser matches it.
    const lines = await load(`token=${A}`, jar);
    expect(lines.find((l) => l.startsWith(`${names[0]}=;`))).toMatch(/Path=\/sign-in\/link; .*Max-Age=0/);
    // With room left, nothing is dropped.
    delete jar[names[0]];
    expect(Object.keys(setBy(await load(`token=${A}`, jar)))).toEqual([linkBindCookie(A)]);
  });
});

describe('bindingsToDrop', () => {
  it('drops the oldest past the cap, values of another shape first, and nothing else', () => {
    const c = (name: string, at: number) => ({ name: linkBindCookie(name), value: newLinkBinding(at) });
    const cookies = [c('new', 3_000_000), { name: linkBindCookie('odd'), value: 'odd' }, c('old', 1_000_000)];
    expect(bindingsToDrop(cookies, 4)).toEqual([]);
    expect(bindingsToDrop(cookies, 3)).toEqual([linkBindCookie('odd')]);
    expect(bindingsToDrop(cookies, 2)).toEqual([linkBindCookie('odd'), linkBindCookie('old')]);
    expect(bindingsToDrop([{ name: 'tollgate-link-bind', value: 'x' }], 1)).toEqual([]);
  });
});
