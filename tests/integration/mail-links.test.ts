import { NextRequest } from 'next/server';
import { describe, expect, it, vi } from 'vitest';

// The sign-in links end to end without a browser: the worker sends them over real SMTP; reading the
// link's page (linkIsUsable) changes nothing, and only its bound "Continue" POST (redeemSignInLink)
// uses it. next/headers is replaced by a fake request context, with a forged Host header to prove
// links are built from APP_URL. The browser side (scanners, binding, Back) is e2e/10-sign-in-edges.spec.ts.
const fakeHeaders = new Headers({
  host: 'evil.example',
  'x-forwarded-host': 'evil.example',
  'x-forwarded-for': '198.51.100.7',
  'user-agent': 'vitest',
});
vi.mock('next/headers', () => ({
  headers: async () => fakeHeaders,
  cookies: async () => ({
    get: () => undefined,
    getAll: () => [],
    has: () => false,
    set: () => undefined,
    delete: () => undefined,
  }),
}));

const { GET } = await import('@/app/api/auth/[...nextauth]/route');
const { requestSignInLink } = await import('@/lib/auth/email-link');
/** The one answer for every address (signIn.linkSent), whether it has a login or not. */
const SENT = { ok: true, note: { key: 'signIn.linkSent' } };
const { bindingProof, linkIsUsable, linkOwner, maskEmail, redeemSignInLink } =
  await import('@/lib/auth/link-sign-in');
const { readLinkQuery } = await import('@/lib/auth/link-query');
const { searchParamsToUrlQuery } = await import('next/dist/shared/lib/router/utils/querystring');
const { hashLinkToken } = await import('@/lib/mail/link-token');
const { emailSignInAllowed } = await import('@/lib/auth/email-link-provider');
const { getDb } = await import('@/lib/server/db');
const { queueMailToMembers } = await import('@/lib/mail/queue');
const { LOCK_MAILS_PER_HOUR, revokeSignInLinks } = await import('@/lib/auth/revoke');
const { dialects } = await import('@/tests/helpers/db');
const { makeAccount, makeBlock, makeLockedUser } = await import('@/tests/helpers/factory');
const { signInLinkOf } = await import('@/tests/helpers/mime');
const { mailSuite } = await import('@/tests/helpers/mail-suite');

const meta = { ip: '198.51.100.7', userAgent: 'vitest' };
const tokenOf = (link: string) => new URL(link).searchParams.get('token')!;
/** The link's page's reading of an address (its `searchParams` as Next gives them): token, cut, destination. */
const pageRead = (address: string) => readLinkQuery(searchParamsToUrlQuery(new URL(address).searchParams));
const BIND = 'test-binding-cookie-value-0123456789';
const redeem = (link: string, bindCookie: string | null = BIND, proof = bindingProof(BIND, tokenOf(link))) =>
  redeemSignInLink({ token: tokenOf(link), proof, bindCookie }, meta);

describe.each(dialects())('sign-in links on %s', (dialect) => {
  const mail = mailSuite(dialect);
  const { deliver } = mail;

  async function noticeLink(email: string) {
    const { account, users } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, { reason: 'manual', placedBy: 'staff' });
    await getDb().$transaction((tx) =>
      queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }),
    );
    await deliver();
    return { link: signInLinkOf(mail.smtp.to(email).at(-1)!)!, block, user: users[0] };
  }

  it('reading the block notice link changes nothing; the bound Continue signs its recipient in (a Session row), once', async () => {
    const { link, block, user } = await noticeLink(`link-ok-${dialect}@t.example`);
    expect(new URL(link).searchParams.get('callbackUrl')).toBe(`/blocks/${block.id}`);
    for (let i = 0; i < 3; i++) expect(await linkIsUsable(tokenOf(link))).toBe(true);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);

    // With the login as read before the link was used, which the known-device cookie is made from.
    expect(await redeem(link)).toEqual({
      ok: true,
      userId: user.id,
      email: user.email,
      login: { id: user.id, email: user.email, linksRevokedAt: null, totpEnabledAt: null, disabled: false },
    });
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
    expect(
      await getDb().auditLog.count({
        where: { action: 'sign_in.success', actorId: user.id, detail: { contains: 'email_link' } },
      }),
    ).toBe(1);
    expect(await linkIsUsable(tokenOf(link))).toBe(false);
    expect(await redeem(link)).toEqual({ ok: false, reason: 'invalid' });
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
  });

  it('a block notice queued before the links were revoked is sent without a link; one queued after gets its link', async () => {
    const email = `link-revoked-${dialect}@t.example`;
    const db = getDb();
    const { account, users } = await makeAccount({ members: [email] });
    const block = await makeBlock(account.id, { reason: 'manual', placedBy: 'staff' });
    // Queued, not yet sent (say SMTP is down); then the user signs out everywhere.
    await db.$transaction((tx) => queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }));
    await new Promise((r) => setTimeout(r, 5));
    await db.$transaction((tx) => revokeSignInLinks(tx, email));
    await deliver();
    const late = mail.smtp.to(email).at(-1)!;
    expect(late.subject).toBeTruthy();
    expect(signInLinkOf(late)).toBeNull();
    expect(late.text).not.toMatch(/token=/);
    // Still the plain address of the block page, which asks for sign-in.
    expect(late.text).toContain(`http://localhost:3000/blocks/${block.id}`);
    expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: users[0].id } })).linksRevokedAt).not.toBeNull();

    // A notice queued after the revocation gets its link as usual.
    await new Promise((r) => setTimeout(r, 5));
    await db.$transaction((tx) => queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }));
    await deliver();
    const link = signInLinkOf(mail.smtp.to(email).at(-1)!)!;
    expect(link).toBeTruthy();
    expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(1);
    // The login as read before the link was used carries the revocation's mark (the cookie's epoch).
    expect(await redeem(link)).toEqual({
      ok: true,
      userId: users[0].id,
      email,
      login: expect.objectContaining({ id: users[0].id, linksRevokedAt: expect.any(Date) }),
    });
  });

  it('a second-factor lock mail queued before the links were revoked is not sent; a fresh one is, with a new link', async () => {
    const email = `mfa-revoked-${dialect}@t.example`;
    const db = getDb();
    // The lock mail is queued, not yet sent (SMTP down); then the user signs out everywhere.
    const { user } = await makeLockedUser(email);
    await new Promise((r) => setTimeout(r, 5));
    await db.$transaction((tx) => revokeSignInLinks(tx, email));
    const [stale, fresh] = await db.mailMessage.findMany({
      where: { to: email, template: 'mfa_locked' },
      orderBy: { createdAt: 'asc' },
    });
    const revokedAt = (await db.user.findUniqueOrThrow({ where: { id: user.id } })).linksRevokedAt!;
    expect(stale!.createdAt.getTime()).toBeLessThanOrEqual(revokedAt.getTime());
    expect(fresh!.createdAt.getTime()).toBeGreaterThan(revokedAt.getTime());
    await deliver();
    // One mail reaches the user, and its link (made after the revocation) is the only one there is.
    const sent = mail.smtp.to(email);
    expect(sent).toHaveLength(1);
    expect(await db.verificationToken.count({ where: { identifier: `mfa-unlock:${email}` } })).toBe(1);
    expect(signInLinkOf(sent[0]!)).toBeTruthy();
    // Not locked any more by the time of a revocation: no lock mail is queued.
    await db.user.update({ where: { id: user.id }, data: { totpLockedAt: null, totpFailures: 0 } });
    await db.$transaction((tx) => revokeSignInLinks(tx, email));
    expect(await db.mailMessage.count({ where: { to: email, template: 'mfa_locked' } })).toBe(2);
  });

  it('revocations while the factor stays locked queue at most LOCK_MAILS_PER_HOUR lock mails an hour', async () => {
    const email = `mfa-many-${dialect}@t.example`;
    const db = getDb();
    await makeLockedUser(email);
    await deliver();
    // Revocation after revocation (sign-outs everywhere, password changes) while the factor stays locked.
    for (let i = 0; i < 10; i++) {
      await db.$transaction((tx) => revokeSignInLinks(tx, email));
      await deliver();
    }
    expect(await db.mailMessage.count({ where: { to: email, template: 'mfa_locked' } })).toBe(
      LOCK_MAILS_PER_HOUR,
    );
    expect(mail.smtp.to(email).length).toBe(LOCK_MAILS_PER_HOUR);
  });

  it('a POST without the binding cookie, or with a proof made for another browser, is refused and uses nothing', async () => {
    const { link, user } = await noticeLink(`link-unbound-${dialect}@t.example`);
    expect(await redeem(link, null)).toEqual({ ok: false, reason: 'unbound' });
    // A binding for this link, but not the one the proof was made for: the page is stale (the link
    // was opened again in another tab), or the form was copied to another browser.
    expect(await redeem(link, 'another-browser-cookie-0123456789')).toEqual({ ok: false, reason: 'stale' });
    expect(await redeem(link, BIND, 'f'.repeat(64))).toEqual({ ok: false, reason: 'stale' });
    expect(await linkIsUsable(tokenOf(link))).toBe(true);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
  });

  it('an unbound POST for a link already used is told the link is used, not that cookies are missing', async () => {
    const { link } = await noticeLink(`link-used-unbound-${dialect}@t.example`);
    expect(await redeem(link)).toMatchObject({ ok: true });
    // A second tab of the same link: its cookie went with the first tab's use (deleted on success).
    expect(await redeem(link, null)).toEqual({ ok: false, reason: 'invalid' });
    expect(await redeem(link, 'another-browser-cookie-0123456789')).toEqual({ ok: false, reason: 'invalid' });
    expect(await redeemSignInLink({ token: 'not a token', proof: '', bindCookie: null }, meta)).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('an expired link is not usable, and is refused', async () => {
    const email = `link-expired-${dialect}@t.example`;
    const { link } = await noticeLink(email);
    await getDb().verificationToken.updateMany({
      where: { identifier: email },
      data: { expires: new Date(Date.now() - 1000) },
    });
    expect(await linkIsUsable(tokenOf(link))).toBe(false);
    expect(await redeem(link)).toEqual({ ok: false, reason: 'invalid' });
  });

  it("an old-style link to Auth.js's callback (even with '+' for '%2B') forwards, unused, to the Continue page", async () => {
    const email = `ops+voip-${dialect}@t.example`;
    const { link, block } = await noticeLink(email);
    const legacy = `http://evil.example/api/auth/callback/nodemailer?callbackUrl=${encodeURIComponent(`http://localhost:3000/blocks/${block.id}`)}&token=${tokenOf(link)}&email=${email}`;
    const res = await GET(new NextRequest(legacy));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(link);
    expect(res.headers.getSetCookie()).toEqual([]);
    expect(await linkIsUsable(tokenOf(link))).toBe(true);
    expect((await redeem(link)).ok).toBe(true);
  });

  it('a notice forwarded to a colleague signed in as themselves: not used, its owner named masked, still the owner’s', async () => {
    const { link, user } = await noticeLink(`fwd-owner-${dialect}@t.example`);
    const {
      users: [colleague],
    } = await makeAccount({ members: [`fwd-colleague-${dialect}@t.example`] });
    expect(await linkOwner(tokenOf(link))).toEqual({
      userId: user.id,
      maskedEmail: 'fw•••@t.example',
      unlocks: false,
    });
    const token = tokenOf(link);
    const as = (signedInId: string) =>
      redeemSignInLink({ token, proof: bindingProof(BIND, token), bindCookie: BIND, signedInId }, meta);
    expect(await as(colleague.id)).toEqual({
      ok: false,
      reason: 'other_user',
      maskedEmail: 'fw•••@t.example',
    });
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await linkIsUsable(token)).toBe(true);
    // Its audit row says whose link it was (the audit log's "Link for"), never the token (B2's
    // reader, 2026-12-08: the row named nobody).
    const refused = await getDb().auditLog.findFirst({
      where: { action: 'sign_in.link_refused', targetId: user.id },
    });
    // And who tried: the colleague this browser is signed in as (Tester Q).
    expect(refused).toMatchObject({
      targetType: 'user',
      targetId: user.id,
      actorId: colleague!.id,
      actorEmail: colleague!.email,
    });
    expect(JSON.parse(refused!.detail!)).toEqual({ email: user.email });
    expect(refused!.detail).not.toContain(token);
    // Signed in as the owner (or as nobody, above): the link is used as before.
    expect(await as(user.id)).toMatchObject({ ok: true, userId: user.id, email: user.email });
  });

  it('maskEmail shows enough of an address to recognise it, never all of it', () => {
    expect(maskEmail('dana@acme.example')).toBe('da•••@acme.example');
    expect(maskEmail('jo@acme.example')).toBe('j•••@acme.example');
    expect(maskEmail('x@acme.example')).toBe('x•••@acme.example');
    expect(maskEmail('ñandú@ejemplo.es')).toBe('ña•••@ejemplo.es');
    // An IDN domain as the owner reads it (and as the mails show it), not its stored punycode.
    expect(maskEmail('ana@xn--clnica-peasco-xib1e.es')).toBe('an•••@clínica-peñasco.es');
  });

  it('a link cut short where a mail program wrapped its line is told from a used one; the whole link still works', async () => {
    const email = `cut-${dialect}@t.example`;
    const { link: notice } = await noticeLink(email);
    await makeAccount({ members: [`cut-ask-${dialect}@t.example`] });
    await requestSignInLink(`cut-ask-${dialect}@t.example`, '/', meta);
    await deliver();
    const asked = signInLinkOf(mail.smtp.to(`cut-ask-${dialect}@t.example`).at(-1)!)!;
    // Both kinds of link (the outbox's HMAC token, Auth.js's own) are whole, and so never "cut".
    for (const link of [notice, asked]) {
      const token = tokenOf(link);
      expect(pageRead(link)).toMatchObject({ token, cut: false });
      // A line wrapped at 76 characters, or anywhere in the token, or before it: cut, and unusable.
      for (const cut of [
        link.slice(0, 76),
        link.slice(0, link.indexOf('token=') + 6 + 63),
        link.slice(0, link.indexOf('?')),
      ]) {
        expect(pageRead(cut), cut).toMatchObject({ token: null, cut: true });
        const partial = new URL(cut).searchParams.get('token') ?? '';
        expect(await linkIsUsable(partial)).toBe(false);
      }
      // Opening the cut link used nothing.
      expect(await linkIsUsable(token)).toBe(true);
    }
    expect((await redeem(notice)).ok).toBe(true);
    // A whole token that was used is not "cut": the page says "used or expired".
    expect(pageRead(notice)).toMatchObject({ token: tokenOf(notice), cut: false });
    expect(await linkIsUsable(tokenOf(notice))).toBe(false);
  });

  it('a link a mail system rewrote (upper case, `&amp;`, `%26`, punctuation after it) still finds its link and block page, and signs in once', async () => {
    const { link, block, user } = await noticeLink(`link-rewritten-${dialect}@t.example`);
    const token = tokenOf(link);
    const rewritten = [
      link.replace(token, token.toUpperCase()),
      link.replace('&', '&amp;'),
      link.replace('&callbackUrl=', '%26callbackUrl%3D'),
      `${link.replace('&', '&amp;').replace(token, token.toUpperCase())}.`,
      `${link}>`,
    ];
    for (const address of rewritten) {
      const read = pageRead(address);
      expect(read, address).toEqual({ token, cut: false, callbackUrl: `/blocks/${block.id}` });
      expect((await linkOwner(read.token!))?.userId, address).toBe(user.id);
    }
    // The stored hash is of the exact token: the upper-case text itself matches nothing.
    expect(await linkIsUsable(token.toUpperCase())).toBe(false);
    // Continue carries the token as read (lower case): it signs in, once.
    const read = pageRead(rewritten[3]);
    expect(
      (
        await redeemSignInLink(
          { token: read.token!, proof: bindingProof(BIND, read.token!), bindCookie: BIND },
          meta,
        )
      ).ok,
    ).toBe(true);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
    expect(pageRead(link)).toMatchObject({ token, cut: false });
    expect(await linkIsUsable(token)).toBe(false);
  });

  it('"Email me a sign-in link": queued sealed, on APP_URL\'s Continue page whatever the Host header, lives 15 minutes', async () => {
    const email = `ask-${dialect}@t.example`;
    const { users } = await makeAccount({ members: [email] });
    expect(await requestSignInLink(email.toUpperCase(), '/accounts/x', meta)).toEqual(SENT);
    const row = await getDb().mailMessage.findFirstOrThrow({
      where: { to: email, template: 'sign_in_link' },
    });
    expect(row.payload).not.toMatch(/token|callback/);
    await deliver();
    const link = signInLinkOf(mail.smtp.to(email).at(-1)!)!;
    expect(new URL(link).origin + new URL(link).pathname).toBe('http://localhost:3000/sign-in/link');
    expect(new URL(link).searchParams.get('callbackUrl')).toBe('/accounts/x');
    expect((await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).payload).not.toContain(
      'sealedUrl',
    );
    const vt = await getDb().verificationToken.findUniqueOrThrow({
      where: { token: hashLinkToken(tokenOf(link)) },
    });
    expect(vt.identifier).toBe(email);
    const minutes = (vt.expires.getTime() - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(14);
    expect(minutes).toBeLessThanOrEqual(15);
    expect((await redeem(link)).ok).toBe(true);
    expect(await getDb().session.count({ where: { userId: users[0].id } })).toBe(1);
  });

  it('answers the same for an unknown or disabled address, and sends nothing', async () => {
    const disabled = `disabled-${dialect}@t.example`;
    const { users } = await makeAccount({ members: [disabled] });
    await getDb().user.update({ where: { id: users[0].id }, data: { disabled: true } });
    expect(await requestSignInLink(`nobody-${dialect}@t.example`, '/', meta)).toEqual(SENT);
    expect(await requestSignInLink(disabled, '/', meta)).toEqual(SENT);
    expect(
      await getDb().mailMessage.count({ where: { to: { in: [disabled, `nobody-${dialect}@t.example`] } } }),
    ).toBe(0);
  });

  it('limits: the sixth request from one address waits; other addresses still get links, up to a quiet per-email ceiling', async () => {
    const email = `many-${dialect}@t.example`;
    await makeAccount({ members: [email] });
    const from = (ip: string) => ({ ip, userAgent: 'vitest' });
    for (let i = 0; i < 5; i++)
      expect((await requestSignInLink(email, '/', from('198.51.100.50'))).ok).toBe(true);
    expect(await requestSignInLink(email, '/', from('198.51.100.50'))).toMatchObject({
      ok: false,
      code: 'throttled',
      note: { key: 'signIn.linkThrottled', values: { minutes: expect.any(Number) } },
    });
    // The stranger's address is spent, not the email: the owner, elsewhere, still gets a link. (Side by
    // side: each answer waits out the 400 ms floor, and the counters are counted in one statement each.)
    const elsewhere = await Promise.all(
      Array.from({ length: 15 }, (_, i) => requestSignInLink(email, '/', from(`203.0.113.${i + 1}`))),
    );
    expect(elsewhere).toEqual(Array(15).fill(SENT));
    expect(await getDb().mailMessage.count({ where: { to: email } })).toBe(20);
    // Past 20 an hour the answer stays the same, and nothing more is mailed (no flooding from many addresses).
    expect(await requestSignInLink(email, '/', from('203.0.113.99'))).toEqual(SENT);
    expect(await getDb().mailMessage.count({ where: { to: email } })).toBe(20);
  });

  it('an unreadable or missing client address is one shared bucket, never a way around the per-address limit', async () => {
    // Side by side, as a burst would come: all 30 are counted on the one bucket.
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        requestSignInLink(`nobody-${i}-${dialect}@t.example`, '/', { ip: 'garbage', userAgent: 'vitest' }),
      ),
    );
    // Over it (the bucket is shared, as an office NAT is: since 2026-12-05 it quiets rather than
    // refuses), the answer is the usual one, and only a mailbox that holds no live link gets one.
    const email = `bucket-owner-${dialect}@t.example`;
    await makeAccount({ members: [email] });
    const unknown = { ip: null, userAgent: 'vitest' };
    for (let i = 0; i < 2; i++) expect(await requestSignInLink(email, '/', unknown)).toEqual(SENT);
    expect(await getDb().mailMessage.count({ where: { to: email, template: 'sign_in_link' } })).toBe(1);
    const rows = await getDb().auditLog.findMany({
      where: { actorEmail: email, action: { startsWith: 'sign_in.link' } },
      select: { action: true, detail: true },
    });
    expect(rows.map((r) => [r.action, JSON.parse(r.detail!).by]).sort()).toEqual([
      ['sign_in.link_past_ceiling', 'emailLinkIp'],
      ['sign_in.link_suppressed', 'emailLinkIp'],
    ]);
  }, 60_000);

  it('a direct POST to Auth.js (outside the rate-limited action) may not start an email sign-in', async () => {
    expect(await emailSignInAllowed({ email: 'x@t.example' }, { verificationRequest: true })).toBe(false);
  });

  it('an IDN address (review 9 item 8): the operator creates it as written, both spellings are one login, SMTP gets the ASCII form', async () => {
    const { CommandError, createUser } = await import('@/lib/accounts/commands');
    const written = `ana-${dialect}@clínica-peñasco.es`;
    const ascii = `ana-${dialect}@xn--clnica-peasco-xib1e.es`;
    const password = 'vivid-tangerine-orbit-1947-quartz';
    const user = await createUser(getDb(), { email: written, role: 'customer', password });
    expect(user.email).toBe(ascii);
    await expect(createUser(getDb(), { email: ascii, role: 'customer', password })).rejects.toThrow(
      CommandError,
    );
    const here = { ip: '198.51.100.77', userAgent: 'vitest' };
    expect(await requestSignInLink(written.toUpperCase(), '/', here)).toEqual(SENT);
    expect(await getDb().mailMessage.count({ where: { to: ascii, template: 'sign_in_link' } })).toBe(1);
    await deliver();
    // nodemailer writes the ASCII form on the wire (header and RCPT TO); the test server (smtp-server)
    // reports the envelope's domain decoded back to Unicode: one mailbox either way.
    const [sent] = mail.smtp.to(written);
    expect(sent?.raw).toMatch(new RegExp(`^To: ${ascii.replace(/[.-]/g, '\\$&')}\\r?$`, 'mi'));
    expect(sent?.raw).not.toContain('peñasco');
    expect((await redeem(signInLinkOf(sent!)!)).ok).toBe(true);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
  });
});
