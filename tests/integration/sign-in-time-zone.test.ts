import { TOTP } from 'otpauth';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { form, ignoreRedirect, session } from '@/tests/helpers/action-edge';
import { jar } from '@/tests/helpers/cookie-jar';
import { uniqueEmail } from '@/tests/helpers/unique';

// The sign-in forms carry the browser's time zone (field `tz`), so the first page after sign-in is
// already in the reader's clock (no wait for the header's background report). Where it is adopted:
// after a good password or a used sign-in link when the user has no second factor; when they have
// one, only once the code is right (a session with only the password must not change what the
// user's mail is written in: review 13). A bad or unknown zone changes nothing and never fails the
// sign-in. Through the real actions; next/headers (a cookie jar) and the session are the edge.

vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);

const { continueLinkAction, signInAction } = await import('@/lib/auth/actions');
const { verifyAction } = await import('@/lib/auth/mfa/actions');
const { requestSignInLink } = await import('@/lib/auth/email-link');
const { linkBindCookie } = await import('@/lib/auth/link-binding');
const { bindingProof } = await import('@/lib/auth/link-sign-in');
const { hashPassword } = await import('@/lib/auth/password');
const { encryptSecret } = await import('@/lib/auth/totp');
const { unseal } = await import('@/lib/server/seal');
const { getDb } = await import('@/lib/server/db');
const { canonicalTimeZone } = await import('@/lib/time/format');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { asUser, makeSession, TOTP_SECRET } = await import('@/tests/helpers/factory');

const PASSWORD = 'tangerine harbour lantern 2026';
const meta = { ip: '192.0.2.81', userAgent: 'vitest' };
/** A server action that ends in redirect() went through: the sign-in (or the code) was accepted. */
const redirected = (p: Promise<unknown>) => expect(p).rejects.toThrow('NEXT_REDIRECT');
const zoneOf = async (id: string) => (await getDb().user.findUniqueOrThrow({ where: { id } })).timeZone;

/** A customer with the portal password; enrolled in the second factor when `totp`; zone chosen when `chosen`. */
async function customer(o: { totp?: boolean; chosen?: string } = {}) {
  return getDb().user.create({
    data: {
      email: uniqueEmail('tz'),
      role: 'customer',
      passwordHash: await hashPassword(PASSWORD),
      ...(o.totp ? { totpSecret: encryptSecret(TOTP_SECRET), totpEnabledAt: new Date() } : {}),
      ...(o.chosen ? { timeZone: o.chosen, timeZoneChosenAt: new Date() } : {}),
    },
  });
}

const passwordSignIn = (email: string, tz?: string) =>
  signInAction(
    undefined,
    form({ email, password: PASSWORD, callbackUrl: '/', ...(tz === undefined ? {} : { tz }) }),
  );

/** "Email me a sign-in link" for `email`, then its "Continue" in this browser with the zone `tz`. */
async function continueWithLink(email: string, tz: string) {
  await requestSignInLink(email, '/', meta);
  const mail = await getDb().mailMessage.findFirstOrThrow({
    where: { to: email, template: 'sign_in_link' },
    orderBy: { createdAt: 'desc' },
  });
  const token = new URL(unseal(JSON.parse(mail.payload).sealedUrl, 'mail-payload-v1')).searchParams.get(
    'token',
  )!;
  const bind = `binding-${crypto.randomUUID()}`;
  jar.set(linkBindCookie(token), bind);
  return continueLinkAction(
    undefined,
    form({ token, proof: bindingProof(bind, token), callbackUrl: '/', tz }),
  );
}

/** The second factor's form for `u` from a new half-signed-in session: `code` and the zone `tz`. */
async function verify(u: { id: string; email: string }, code: string, tz: string) {
  const s = await makeSession(u.id);
  session.user = asUser(u, { sessionId: s.id, mfaEnrolled: true, mfaVerified: false });
  return verifyAction(undefined, form({ code, tz }));
}
const rightCode = () => new TOTP({ secret: TOTP_SECRET, digits: 6, period: 30 }).generate();
const wrongCode = () =>
  new TOTP({ secret: TOTP_SECRET, digits: 6, period: 30 }).generate({ timestamp: Date.now() + 10 * 30_000 });

describe.each(dialects())('the zone the sign-in forms carry, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => {
    jar.clear();
    session.user = null;
  });

  it('a good password adopts it; without one the zone is left to the header as before', async () => {
    const u = await customer();
    await redirected(passwordSignIn(u.email, 'Asia/Tokyo'));
    expect(await zoneOf(u.id)).toBe('Asia/Tokyo');

    // The browser's alias is stored under the profile's name; no zone (JavaScript off) changes nothing.
    const v = await customer();
    await redirected(passwordSignIn(v.email, ''));
    await redirected(passwordSignIn(v.email));
    expect(await zoneOf(v.id)).toBe('UTC');
    await redirected(passwordSignIn(v.email, 'Asia/Kolkata'));
    expect(await zoneOf(v.id)).toBe(canonicalTimeZone('Asia/Kolkata'));
  });

  it('a bad or unknown zone changes nothing and never fails the sign-in', async () => {
    const u = await customer();
    for (const tz of [
      'Mars/Olympus',
      'Etc/GMT+5',
      'PST',
      `Europe/${'x'.repeat(80)}`,
      "'; DROP TABLE User; --",
    ])
      await redirected(passwordSignIn(u.email, tz));
    expect(await zoneOf(u.id)).toBe('UTC');
    // A wrong password is still refused, zone or not, and changes nothing.
    expect(
      await signInAction(undefined, form({ email: u.email, password: 'wrong', tz: 'Asia/Tokyo' })),
    ).toMatchObject({ ok: false });
    expect(await zoneOf(u.id)).toBe('UTC');
  });

  it('a zone chosen in the profile stands', async () => {
    const u = await customer({ chosen: 'America/New_York' });
    await redirected(passwordSignIn(u.email, 'Asia/Tokyo'));
    expect(await zoneOf(u.id)).toBe('America/New_York');
  });

  it('with a second factor the password does not adopt it; the right code does', async () => {
    const u = await customer({ totp: true });
    await redirected(passwordSignIn(u.email, 'Asia/Tokyo'));
    expect(await zoneOf(u.id)).toBe('UTC');
    // A wrong code: refused, nothing changes.
    expect(await verify(u, wrongCode(), 'Asia/Tokyo')).toMatchObject({ ok: false });
    expect(await zoneOf(u.id)).toBe('UTC');
    // A bad zone does not fail the code.
    const w = await customer({ totp: true });
    await verify(w, rightCode(), `Mars/${'x'.repeat(80)}`).catch(ignoreRedirect);
    expect(await getDb().session.count({ where: { userId: w.id, mfaVerifiedAt: { not: null } } })).toBe(1);
    expect(await zoneOf(w.id)).toBe('UTC');
    // The right code, with the zone its form sends again.
    await verify(u, rightCode(), 'Asia/Tokyo').catch(ignoreRedirect);
    expect(await getDb().session.count({ where: { userId: u.id, mfaVerifiedAt: { not: null } } })).toBe(1);
    expect(await zoneOf(u.id)).toBe('Asia/Tokyo');
  });

  it('a used sign-in link adopts it, unless a second factor is still to come', async () => {
    const u = await customer();
    await redirected(continueWithLink(u.email, 'Asia/Tokyo'));
    expect(await zoneOf(u.id)).toBe('Asia/Tokyo');

    const v = await customer();
    await redirected(continueWithLink(v.email, 'Mars/Olympus'));
    expect(await getDb().session.count({ where: { userId: v.id } })).toBe(1);
    expect(await zoneOf(v.id)).toBe('UTC');

    // The link leaves a second factor pending, as the password does: the code's form adopts it.
    const w = await customer({ totp: true });
    await redirected(continueWithLink(w.email, 'Asia/Tokyo'));
    expect(await zoneOf(w.id)).toBe('UTC');
  });
});
