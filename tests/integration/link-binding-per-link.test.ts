import crypto from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { form, session } from '@/tests/helpers/action-edge';
import { jar } from '@/tests/helpers/cookie-jar';
import { uniqueEmail } from '@/tests/helpers/unique';

// Several sign-in links of one login, open at once in one browser (a reseller's block notices as
// tabs), each with its own binding cookie (lib/auth/link-binding.ts): each tab's Continue signs in,
// whatever the others did; a Continue is refused only for ITS link's binding, and says the true
// cause. Through the real action (lib/auth/actions.ts continueLinkAction); next/headers is a cookie
// jar and the session is the edge. The proxy's side (which cookie a page load sets) is
// tests/unit/link-binding.test.ts; the browser race itself, e2e/10-sign-in-edges.spec.ts.

vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);

const { continueLinkAction } = await import('@/lib/auth/actions');
const { LEGACY_LINK_BIND_COOKIE, linkBindCookie, newLinkBinding } = await import('@/lib/auth/link-binding');
const { bindingProof } = await import('@/lib/auth/link-sign-in');
const { hashLinkToken } = await import('@/lib/mail/link-token');
const { getDb } = await import('@/lib/server/db');
const { translate } = await import('@/lib/i18n/translate');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');

const t = translate('en');
/** A server action that ends in redirect() went through; its digest names where. */
const redirectedTo = (p: Promise<unknown>, where: string | RegExp) =>
  expect(p).rejects.toMatchObject({ digest: expect.stringMatching(where) });

/** A customer with `n` live sign-in links (as block notices of `n` accounts would give): their tokens. */
async function withLinks(n: number) {
  const user = await getDb().user.create({ data: { email: uniqueEmail('bind'), role: 'customer' } });
  const tokens = Array.from({ length: n }, () => crypto.randomBytes(32).toString('hex'));
  for (const token of tokens)
    await getDb().verificationToken.create({
      data: {
        identifier: user.email,
        token: hashLinkToken(token),
        expires: new Date(Date.now() + 3_600_000),
      },
    });
  return { user, tokens };
}

const live = async (token: string) =>
  (await getDb().verificationToken.count({ where: { token: hashLinkToken(token) } })) === 1;

/** Shows the link's page in this browser: what proxy.ts sets, and the proof the page's form carries. */
function showPage(token: string): string {
  const value = newLinkBinding();
  jar.set(linkBindCookie(token), value);
  return bindingProof(value, token);
}

const cont = (token: string, proof: string, callbackUrl = '/') =>
  continueLinkAction(undefined, form({ token, proof, callbackUrl }));

describe.each(dialects())('one binding cookie per sign-in link, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => {
    jar.clear();
    session.user = null;
  });

  it("five links' pages shown at once each continue; each Continue deletes only its own link's cookie", async () => {
    const { user, tokens } = await withLinks(5);
    const proofs = tokens.map(showPage);
    for (const [i, token] of tokens.entries()) {
      await redirectedTo(cont(token, proofs[i], `/blocks/b${i}`), `/blocks/b${i}`);
      expect(jar.has(linkBindCookie(token))).toBe(false);
      for (const other of tokens.slice(i + 1)) expect(jar.has(linkBindCookie(other))).toBe(true);
    }
    for (const token of tokens) expect(await live(token)).toBe(false);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(5);
    expect([...jar.keys()].filter((k) => k.startsWith('tollgate-link-bind'))).toEqual([]);
  });

  it("a Continue for link A with only link B's cookie is refused, as a missing cookie, and uses nothing", async () => {
    const {
      user,
      tokens: [a, b],
    } = await withLinks(2);
    const proofA = showPage(a);
    showPage(b);
    jar.delete(linkBindCookie(a));
    expect(await cont(a, proofA)).toEqual({ message: t('signIn.linkUnbound') });
    // B's own proof does not open A either: it is made for B's token.
    expect(await cont(a, bindingProof(jar.get(linkBindCookie(b))!, b))).toEqual({
      message: t('signIn.linkUnbound'),
    });
    expect(await live(a)).toBe(true);
    expect(jar.has(linkBindCookie(b))).toBe(true);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('the same link opened again in another tab: the older page is told so; the newer one continues', async () => {
    const {
      tokens: [a],
    } = await withLinks(1);
    const older = showPage(a);
    jar.delete(linkBindCookie(a)); // both tabs loaded before either had the cookie: the last one won
    const newer = showPage(a);
    expect(await cont(a, older)).toEqual({ message: t('signIn.linkStale') });
    expect(await live(a)).toBe(true);
    await redirectedTo(cont(a, newer), 'NEXT_REDIRECT');
    // And the older tab again, now that the link is spent: "used or expired", the true cause.
    await redirectedTo(cont(a, older), 'error=Verification');
  });

  it('a page shown before per-link bindings (the one legacy cookie) still continues, and its cookie goes', async () => {
    const {
      tokens: [a],
    } = await withLinks(1);
    jar.set(LEGACY_LINK_BIND_COOKIE, 'legacy-binding-value-0123456789abcdef');
    await redirectedTo(cont(a, bindingProof('legacy-binding-value-0123456789abcdef', a)), 'NEXT_REDIRECT');
    expect(jar.has(LEGACY_LINK_BIND_COOKIE)).toBe(false);
    expect(await live(a)).toBe(false);
  });
});
