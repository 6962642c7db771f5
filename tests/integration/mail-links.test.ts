import { NextRequest } from 'next/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { allowConsoleError } from '@/tests/helpers/setup';

// The sign-in links end to end without a browser: the worker sends them over real SMTP, and Auth.js's
// own callback route (through app/api/auth/[...nextauth]/route.ts) verifies them. next/headers is
// replaced by a fake request context, with a forged Host header to prove links are built from APP_URL.
const fakeHeaders = new Headers({ host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-for': '198.51.100.7', 'user-agent': 'vitest' });
vi.mock('next/headers', () => ({
  headers: async () => fakeHeaders,
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => undefined, delete: () => undefined }),
}));

const { GET } = await import('@/app/api/auth/[...nextauth]/route');
const { requestSignInLink } = await import('@/lib/auth/email-link');
const { emailSignInAllowed } = await import('@/lib/auth/email-link-provider');
const { getDb } = await import('@/lib/db');
const { queueMailToMembers } = await import('@/lib/mail/queue');
const { smtpTransport } = await import('@/lib/mail/transport');
const { processMailOutbox } = await import('@/lib/mail/worker');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { makeAccount } = await import('@/tests/helpers/factory');
const { signInLinkOf } = await import('@/tests/helpers/mime');
const { TestSmtp } = await import('@/tests/helpers/smtp');

const meta = { ip: '198.51.100.7', userAgent: 'vitest' };
const open = (link: string) => GET(new NextRequest(link));

describe.each(dialects())('sign-in links on %s', (dialect) => {
  let smtp: import('@/tests/helpers/smtp').TestSmtp;
  beforeAll(async () => {
    await useFreshDb(dialect);
    smtp = await TestSmtp.start();
  });
  afterAll(async () => smtp.down());
  const deliver = () => processMailOutbox({ transport: smtpTransport(smtp.url) });

  async function noticeLink(email: string) {
    const { account, users } = await makeAccount({ members: [email] });
    const block = await getDb().block.create({ data: { accountId: account.id, reason: 'manual', placedAt: new Date(), placedBy: 'staff' } });
    await getDb().$transaction((tx) => queueMailToMembers(tx, account.id, 'block_notice', { blockId: block.id }));
    await deliver();
    return { link: signInLinkOf(smtp.to(email).at(-1)!)!, block, user: users[0] };
  }

  it('the block notice link signs its recipient in (a Session row, via the jwt callback) and lands on the block page, once', async () => {
    const { link, block, user } = await noticeLink(`link-ok-${dialect}@t.example`);
    const res = await open(link);
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe(`http://localhost:3000/blocks/${block.id}`);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('authjs.session-token='))).toBe(true);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
    expect(await getDb().auditLog.count({ where: { action: 'sign_in.success', actorId: user.id, detail: { contains: 'email_link' } } })).toBe(1);

    allowConsoleError(); // Auth.js logs the refused link
    const again = await open(link);
    const to = new URL(again.headers.get('location')!);
    expect(to.pathname).toBe('/sign-in');
    expect(to.searchParams.get('error')).toBe('Verification');
    expect(to.searchParams.get('callbackUrl')).toBe(`/blocks/${block.id}`);
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
  });

  it('an expired link is refused and keeps the destination', async () => {
    const email = `link-expired-${dialect}@t.example`;
    const { link, block } = await noticeLink(email);
    await getDb().verificationToken.updateMany({ where: { identifier: email }, data: { expires: new Date(Date.now() - 1000) } });
    allowConsoleError();
    const to = new URL((await open(link)).headers.get('location')!);
    expect(`${to.pathname}?${to.searchParams}`).toBe(`/sign-in?error=Verification&callbackUrl=${encodeURIComponent(`/blocks/${block.id}`)}`);
  });

  it('a link is bound to its user: another address in the link is refused', async () => {
    const { link } = await noticeLink(`link-bound-${dialect}@t.example`);
    const forged = new URL(link);
    forged.searchParams.set('email', `someone-else-${dialect}@t.example`);
    allowConsoleError();
    expect(new URL((await open(forged.toString())).headers.get('location')!).searchParams.get('error')).toBe('Verification');
  });

  it('"Email me a sign-in link": queued sealed, sent on APP_URL whatever the Host header, signs in at the destination', async () => {
    const email = `ask-${dialect}@t.example`;
    const { users } = await makeAccount({ members: [email] });
    expect(await requestSignInLink(email.toUpperCase(), '/accounts/x', meta)).toEqual({ ok: true });
    const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email, template: 'sign_in_link' } });
    expect(row.payload).not.toMatch(/token|callback/);
    await deliver();
    const link = signInLinkOf(smtp.to(email).at(-1)!)!;
    expect(new URL(link).origin).toBe('http://localhost:3000');
    expect(new URL(link).searchParams.get('callbackUrl')).toBe('http://localhost:3000/accounts/x');
    expect((await getDb().mailMessage.findUniqueOrThrow({ where: { id: row.id } })).payload).not.toContain('sealedUrl');
    const res = await open(link);
    expect(res.headers.get('location')).toBe('http://localhost:3000/accounts/x');
    expect(await getDb().session.count({ where: { userId: users[0].id } })).toBe(1);
  });

  it('answers the same for an unknown or disabled address, and sends nothing', async () => {
    const disabled = `disabled-${dialect}@t.example`;
    const { users } = await makeAccount({ members: [disabled] });
    await getDb().user.update({ where: { id: users[0].id }, data: { disabled: true } });
    expect(await requestSignInLink(`nobody-${dialect}@t.example`, '/', meta)).toEqual({ ok: true });
    expect(await requestSignInLink(disabled, '/', meta)).toEqual({ ok: true });
    expect(await getDb().mailMessage.count({ where: { to: { in: [disabled, `nobody-${dialect}@t.example`] } } })).toBe(0);
  });

  it('is rate limited per address: the sixth request in an hour is refused', async () => {
    const email = `many-${dialect}@t.example`;
    await makeAccount({ members: [email] });
    for (let i = 0; i < 5; i++) expect((await requestSignInLink(email, '/', meta)).ok).toBe(true);
    expect(await requestSignInLink(email, '/', meta)).toMatchObject({ ok: false, reason: 'throttled' });
    expect(await getDb().mailMessage.count({ where: { to: email } })).toBe(5);
  });

  it('a direct POST to Auth.js (outside the rate-limited action) may not start an email sign-in', async () => {
    expect(await emailSignInAllowed({ email: 'x@t.example' }, { verificationRequest: true })).toBe(false);
  });
});
