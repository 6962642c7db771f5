import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { form, ignoreRedirect, session } from '@/tests/helpers/action-edge';
import '@/tests/helpers/browser-edge';
import '@/tests/helpers/no-sign-out';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeSession, makeUserWithSession, TOTP_SECRET } from '@/tests/helpers/factory';

// Review 11, finding 1: a session whose second factor is pending ("half signed in": someone with the
// password only) may enter the code and end itself, nothing else. "Sign out everywhere" and the
// writes to the user's stored language and time zone (the language and zone of their mail) read the
// session themselves, so each is checked here through the real action.

const { signOutEverywhereAction } = await import('@/lib/auth/actions');
const { chooseLocaleAction } = await import('@/lib/i18n/actions');
const { adoptBrowserTimeZoneAction } = await import('@/lib/time/actions');
const { readerScope } = await import('@/lib/accounts/reader-scope');

describe.each(dialects())('a half-signed-in session on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('"sign out everywhere" ends only itself: the verified sessions and sign-in links stay', async () => {
    const db = getDb();
    const { u, s: pending, me } = await makeUserWithSession('agent', { secret: TOTP_SECRET });
    const verified = await makeSession(u.id, { mfaVerified: true });
    await db.verificationToken.create({
      data: { identifier: u.email, token: crypto.randomUUID(), expires: new Date(Date.now() + 600_000) },
    });
    session.user = me;
    await signOutEverywhereAction().catch(ignoreRedirect);
    const left = await db.session.findMany({ where: { userId: u.id }, select: { id: true } });
    const everywhere = await db.auditLog.count({ where: { actorId: u.id, action: 'sign_out.everywhere' } });
    expect({
      left: left.map((x) => x.id),
      everywhere,
      links: await db.verificationToken.count({ where: { identifier: u.email } }),
    }).toEqual({ left: [verified.id], everywhere: 0, links: 1 });
    expect(pending.id).not.toBe(verified.id);

    // Verified, the same action ends every session.
    session.user = { ...me, sessionId: verified.id, mfaVerified: true };
    await signOutEverywhereAction().catch(ignoreRedirect);
    expect(await db.session.count({ where: { userId: u.id } })).toBe(0);
  });

  it('cannot change the stored language or time zone; a verified session can', async () => {
    const db = getDb();
    const { u, me } = await makeUserWithSession('customer', { secret: TOTP_SECRET });
    session.user = me;
    await chooseLocaleAction(form({ locale: 'es' }));
    expect(
      await adoptBrowserTimeZoneAction(undefined, form({ tz: 'Pacific/Kiritimati' })),
    ).not.toHaveProperty('ok', true);
    const row = () => db.user.findUniqueOrThrow({ where: { id: u.id } });
    expect({ locale: (await row()).locale, timeZone: (await row()).timeZone }).toEqual({
      locale: 'en',
      timeZone: 'UTC',
    });

    session.user = { ...me, mfaVerified: true };
    await chooseLocaleAction(form({ locale: 'es' }));
    await adoptBrowserTimeZoneAction(undefined, form({ tz: 'Pacific/Kiritimati' }));
    expect({ locale: (await row()).locale, timeZone: (await row()).timeZone }).toEqual({
      locale: 'es',
      timeZone: 'Pacific/Kiritimati',
    });
  });

  // Review, session 33: the customer pages' "not on your accounts" 404 (app/blocks/[id]/not-found.tsx)
  // is rendered into every page of its segment, so its reader's account list went out in the RSC
  // payload of a block page asked for by a session that had only the password.
  it("is not told the login's accounts by the customer pages' 404; a verified session is", async () => {
    const db = getDb();
    const { u, me } = await makeUserWithSession('customer', { secret: TOTP_SECRET });
    const account = await db.customerAccount.create({
      data: { number: `ACC-${crypto.randomInt(10 ** 11, 10 ** 12)}`, name: 'Half Signed Dental' },
    });
    await db.membership.create({ data: { userId: u.id, accountId: account.id } });
    session.user = me;
    expect(await readerScope()).toBeNull();
    session.user = { ...me, mfaVerified: true };
    expect(await readerScope()).toEqual({
      email: u.email,
      accounts: [{ id: account.id, number: account.number, name: 'Half Signed Dental' }],
    });
  });
});
