import crypto from 'node:crypto';
import { TOTP } from 'otpauth';
import pg from 'pg';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { uniqueEmail } from '@/tests/helpers/unique';

// A stranger must not be able to keep a user out (docs/email.md "Sign-in links", README "Password
// sign-in limits"). The attack a review found: about 20 client addresses with 5 wrong passwords each
// spend the per-email ceiling of password attempts from unknown browsers (signInEmail), and 4
// addresses with 5 link requests each spend the per-email ceiling of links (emailLink). The owner, on
// a new phone (no device cookie), must still get in by email: past the ceiling a link is sent when the
// mailbox holds no live one (at most one per link lifetime), the password answer points to the link,
// and using the link makes the browser a known device, which has its own password allowance.
// next/headers (cookies, headers) and the request's address are this test's edge; the rest is real.
// The known-device cookies that edge carries are tested at the end (review of 2026-12-05): with the
// session (`edge.user`, else the real one from the jar's cookie) and Auth.js's signOut as edge too.

const edge = vi.hoisted(() => ({
  jar: new Map<string, string>(),
  acceptLanguage: null as string | null,
  ip: '203.0.113.200',
  /** The signed-in user the actions see; null: whoever the jar's session cookie names, as for real. */
  user: null as CurrentUser | null,
}));

vi.mock('next/headers', () => ({
  headers: async () =>
    new Headers({
      host: 'localhost:3000',
      ...(edge.acceptLanguage ? { 'accept-language': edge.acceptLanguage } : {}),
    }),
  cookies: async () => ({
    get: (name: string) => (edge.jar.has(name) ? { name, value: edge.jar.get(name)! } : undefined),
    getAll: () => [...edge.jar].map(([name, value]) => ({ name, value })),
    has: (name: string) => edge.jar.has(name),
    set: (name: string | { name: string; value: string }, value?: string) =>
      typeof name === 'string' ? edge.jar.set(name, value ?? '') : edge.jar.set(name.name, name.value),
    delete: (name: string | { name: string }) => edge.jar.delete(typeof name === 'string' ? name : name.name),
  }),
}));
vi.mock('@/lib/server/request-meta', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  requestMeta: async () => ({ ip: edge.ip, userAgent: 'vitest' }),
}));
vi.mock('@/lib/auth/session', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/auth/session')>();
  return { ...real, currentUser: async () => edge.user ?? real.currentUser() };
});
// Auth.js's signOut clears the cookie of a request, which exists only inside one (tests/helpers/no-sign-out.ts).
vi.mock('@/lib/auth/config', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  signOut: async () => undefined,
}));
vi.mock('next/cache', () => ({ revalidatePath: () => undefined }));

const { changePasswordAction, continueLinkAction, emailLinkAction, signInAction, signOutEverywhereAction } =
  await import('@/lib/auth/actions');
const {
  enrolAction,
  moveAction,
  newRecoveryCodesAction,
  sendEnrolmentProofAction,
  sendMoveProofAction,
  verifyAction,
} = await import('@/lib/auth/mfa/actions');
const { pendingEnrolment } = await import('@/lib/auth/mfa/enrol');
const { movePage } = await import('@/lib/auth/mfa/move');
const { mailedEnrolmentCode } = await import('@/tests/helpers/enrol-code');
const { changePortalPassword } = await import('@/lib/auth/change-password');
const { revokeSignInLinks } = await import('@/lib/auth/revoke');
const { encryptSecret } = await import('@/lib/auth/totp');
const { signOutCustomerAction, disableCustomerAction, enableCustomerAction } =
  await import('@/lib/staff/customer-login-actions');
const { resetStaffSecondFactor, setStaffDisabled } = await import('@/lib/staff/users');
const { resetSecondFactor } = await import('@/lib/accounts/commands');
const { requestSignInLink } = await import('@/lib/auth/email-link');
const { attemptSignIn } = await import('@/lib/auth/sign-in');
const { DEVICE_COOKIE, deviceLogin, keepDeviceKnown, knownDevice, newDeviceCookie } =
  await import('@/lib/auth/known-device');
const { linkBindCookie } = await import('@/lib/auth/link-binding');
const { bindingProof } = await import('@/lib/auth/link-sign-in');
const { hashPassword } = await import('@/lib/auth/password');
const { consume, LIMITS } = await import('@/lib/server/rate-limit');
const { addressBucket } = await import('@/lib/server/client-address');
const { REQUESTED_LINK_MAX_AGE_SEC } = await import('@/lib/mail/link-token');
const { unseal } = await import('@/lib/server/seal');
const { getDb } = await import('@/lib/server/db');
const { createLogger } = await import('@/lib/server/log');
const { dialects, failInserts, useFreshDb } = await import('@/tests/helpers/db');
const { asCustomer, makeAccount, makeSession, makeStaff, TOTP_SECRET } =
  await import('@/tests/helpers/factory');

const PASSWORD = 'correct horse battery staple 42';
const SENT = { ok: true, note: { key: 'signIn.linkSent' } };
const from = (ip: string) => ({ ip, userAgent: 'vitest' });
const form = (fields: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(fields)) f.append(k, v);
  return f;
};
/** A server action that ends in redirect() throws Next's redirect error: the sign-in went through. */
const redirected = (p: Promise<unknown>) => expect(p).rejects.toThrow('NEXT_REDIRECT');
/** "Email me a sign-in link" went through: it lands on the sign-in page that says a link is on its way. */
const linkSent = (p: Promise<unknown>) =>
  expect(p).rejects.toMatchObject({
    digest: expect.stringContaining(';/sign-in?linkSent=1&callbackUrl=%2F;'),
  });

async function owner(email: string) {
  const { users } = await makeAccount({ members: [email] });
  await getDb().user.update({
    where: { id: users[0].id },
    data: { passwordHash: await hashPassword(PASSWORD) },
  });
  return users[0];
}

/** Asks for a sign-in link for `email` ("Email me a sign-in link") and returns the mailed link's token. */
async function mailedLinkToken(email: string): Promise<string> {
  await linkSent(emailLinkAction(undefined, form({ email, callbackUrl: '/' })));
  const row = await getDb().mailMessage.findFirstOrThrow({ where: { to: email, template: 'sign_in_link' } });
  return new URL(unseal(JSON.parse(row.payload).sealedUrl, 'mail-payload-v1')).searchParams.get('token')!;
}

const linkMails = (email: string) =>
  getDb().mailMessage.count({ where: { to: email, template: 'sign_in_link' } });
const audited = (action: string, email: string) =>
  getDb().auditLog.count({ where: { action, detail: { contains: email } } });

describe.each(dialects())('a stranger cannot lock the owner out, on %s', (dialect) => {
  it('after the attack, the owner on a new browser is pointed to a link, gets one, and that browser then signs in with the password', async () => {
    await useFreshDb(dialect);
    const email = `owner-${dialect}@t.example`;
    await owner(email);
    edge.jar.clear();

    // The attack: 20 addresses x 5 wrong passwords spend the email's ceiling for unknown browsers...
    // (The addresses side by side, as a botnet would; each address's five one after the other.)
    await Promise.all(
      Array.from({ length: 20 }, async (_, k) => {
        for (let i = 0; i < 5; i++)
          await attemptSignIn({ email, password: `guess-${k + 1}-${i}` }, from(`198.51.100.${k + 1}`));
      }),
    );
    // ...and 4 addresses x 5 link requests spend its ceiling of links (20 mailed, to the owner).
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => requestSignInLink(email, '/', from(`192.0.2.${1 + (i % 4)}`))),
    );
    expect(await linkMails(email)).toBe(20);

    // The owner, on a new phone from a new address: the password answer sends them to the link.
    edge.ip = '203.0.113.7';
    const en = await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }));
    expect(en).toMatchObject({ ok: false, values: { email } });
    expect(en.message).toMatch(
      /^Too many sign-in attempts for this email from browsers it has not signed in/,
    );
    expect(en.message).toContain('Use “Email me a sign-in link” below to get in now.');
    edge.acceptLanguage = 'es-ES,es;q=0.9';
    const es = await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }));
    expect(es.message).toContain('Use «Enviarme un enlace de acceso» más abajo para entrar ahora.');
    edge.acceptLanguage = null;

    // While the 20 links are live, the mailbox has a working one: nothing more is sent.
    await linkSent(emailLinkAction(undefined, form({ email, callbackUrl: '/' })));
    expect(await linkMails(email)).toBe(20);
    expect(await audited('sign_in.link_suppressed', email)).toBe(1);

    // Once they have expired (15 minutes), the owner's request is mailed past the ceiling, and audited so.
    await getDb().verificationToken.updateMany({
      where: { identifier: email },
      data: { expires: new Date(Date.now() - 1000) },
    });
    edge.ip = '203.0.113.8';
    await linkSent(emailLinkAction(undefined, form({ email, callbackUrl: '/' })));
    expect(await linkMails(email)).toBe(21);
    expect(await audited('sign_in.link_past_ceiling', email)).toBe(1);
    // A second request within that link's lifetime sends nothing: one mail per lifetime at most.
    expect(await requestSignInLink(email, '/', from('203.0.113.9'))).toEqual(SENT);
    expect(await linkMails(email)).toBe(21);
    expect(await audited('sign_in.link_suppressed', email)).toBe(2);

    // The owner opens the link in this browser and continues: it becomes a known device of the email.
    const row = await getDb().mailMessage.findFirstOrThrow({
      where: { to: email, template: 'sign_in_link' },
      orderBy: { createdAt: 'desc' },
    });
    const link = new URL(unseal(JSON.parse(row.payload).sealedUrl, 'mail-payload-v1'));
    const token = link.searchParams.get('token')!;
    const BIND = 'owner-phone-binding-cookie-0123456789';
    edge.jar.set(linkBindCookie(token), BIND);
    await redirected(
      continueLinkAction(undefined, form({ token, proof: bindingProof(BIND, token), callbackUrl: '/' })),
    );
    expect(knownDevice(edge.jar.get(DEVICE_COOKIE), await deviceLogin({ email }))).not.toBeNull();
    // So its password sign-in spends its own allowance, while the email's ceiling is still spent.
    await redirected(signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' })));
    const user = await getDb().user.findUniqueOrThrow({ where: { email } });
    expect(
      await getDb().auditLog.count({
        where: { action: 'sign_in.success', actorId: user.id, detail: { contains: '"knownDevice":true' } },
      }),
    ).toBe(1);
  }, 120_000);

  // Review, session 39: a stranger behind the same address (an office or carrier NAT) who used up the
  // address's link requests held back the owner's own browser, which password sign-in never did.
  it('a stranger who spends an address’s link requests does not hold back the owner’s known browser there', async () => {
    const email = `nat-owner-${dialect}@t.example`;
    await owner(email);
    const nat = from('198.51.100.77');
    // The stranger's requests, as they count (each would otherwise wait out the answer's floor).
    for (let i = 0; i < LIMITS.emailLinkIp.points; i++) await consume('emailLinkIp', addressBucket(nat.ip));
    // The stranger's next made-up address is answered as any other (nothing is sent: no login has it).
    expect(await requestSignInLink(`nat-stranger-x-${dialect}@t.example`, '/', nat)).toEqual(SENT);
    // A browser the owner signed in with before: sent, from the same address.
    const known = { deviceCookie: newDeviceCookie((await deviceLogin({ email }))!) };
    expect(await requestSignInLink(email, '/', nat, known)).toEqual(SENT);
    expect(await linkMails(email)).toBe(1);
    // Its own allowance still holds: past it, it is told to wait.
    for (let i = 1; i < LIMITS.emailLinkDevice.points; i++) await requestSignInLink(email, '/', nat, known);
    expect(await requestSignInLink(email, '/', nat, known)).toMatchObject({ ok: false, code: 'throttled' });
  });

  // Security review, 2026-12-05: one machine behind an office or carrier NAT, sending made-up emails,
  // spent the address's counters, and every colleague in a fresh browser was told to wait by both
  // sign-in methods. The link still reaches a mailbox that holds no live one (the past-ceiling link,
  // which only the mailbox's owner reads), and the password answer sends them to it.
  it('a stranger who spends an address’s counters does not keep a colleague in a new browser there out', async () => {
    const email = `nat-colleague-${dialect}@t.example`;
    const nobody = `nat-nobody-${dialect}@t.example`;
    await owner(email);
    const nat = from('198.51.100.78');
    edge.jar.clear();
    for (let i = 0; i < LIMITS.signInIp.points; i++) await consume('signInIp', addressBucket(nat.ip));
    for (let i = 0; i < LIMITS.emailLinkIp.points; i++) await consume('emailLinkIp', addressBucket(nat.ip));

    // The password: refused, with the answer that offers the link; the same for an address with no login.
    const a = await attemptSignIn({ email, password: PASSWORD }, nat);
    const b = await attemptSignIn({ email: nobody, password: PASSWORD }, nat);
    const useLink = { ok: false, code: 'throttled', note: { key: 'signIn.throttledAddressUseLink' } };
    expect(a).toMatchObject(useLink);
    expect(b).toMatchObject(useLink);
    const minutes = (o: typeof a) => (!o.ok && 'note' in o ? Number(o.note.values?.minutes) : 0);
    expect(minutes(a)).toBeGreaterThan(10);
    expect(Math.abs(minutes(a) - minutes(b))).toBeLessThanOrEqual(1);
    const ip = edge.ip;
    edge.ip = nat.ip;
    try {
      const en = await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }));
      expect(en.message).toMatch(/^Too many sign-in attempts from your network/);
      expect(en.message).toContain('Use “Email me a sign-in link” below to get in now.');
      edge.acceptLanguage = 'es-ES,es;q=0.9';
      const es = await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }));
      expect(es.message).toMatch(/^Demasiados intentos de inicio de sesión desde su red/);
      expect(es.message).toContain('Use «Enviarme un enlace de acceso» más abajo para entrar ahora.');
    } finally {
      edge.ip = ip;
      edge.acceptLanguage = null;
    }

    // The link: sent, as the mailbox holds none live, and audited as past the address's counter;
    // the same words, after the same floor, for the address with no login.
    const timed = async (address: string) => {
      const started = Date.now();
      const answer = await requestSignInLink(address, '/', nat);
      return { answer, ms: Date.now() - started };
    };
    const sent = await timed(email);
    const none = await timed(nobody);
    expect(sent.answer).toEqual(SENT);
    expect(none.answer).toEqual(SENT);
    expect(Math.min(sent.ms, none.ms)).toBeGreaterThanOrEqual(390);
    expect(await linkMails(email)).toBe(1);
    expect(await linkMails(nobody)).toBe(0);
    expect(await audited('sign_in.link_past_ceiling', email)).toBe(1);
    const row = await getDb().auditLog.findFirstOrThrow({
      where: { action: 'sign_in.link_past_ceiling', detail: { contains: email } },
    });
    expect(JSON.parse(row.detail!)).toMatchObject({ by: 'emailLinkIp' });
    // While that link is live nothing more is sent from there: the stranger cannot flood the mailbox.
    expect((await timed(email)).answer).toEqual(SENT);
    expect(await linkMails(email)).toBe(1);
    // The colleague's own requests for their email are still their own: past 5 they are told to wait.
    for (let i = 2; i < LIMITS.emailLinkEmailIp.points; i++) await requestSignInLink(email, '/', nat);
    expect(await requestSignInLink(email, '/', nat)).toMatchObject({ ok: false, code: 'throttled' });
  }, 60_000);

  it('an IDN address signs in with the password written either way (review 9 item 8)', async () => {
    await useFreshDb(dialect);
    const { createUser } = await import('@/lib/accounts/commands');
    const user = await createUser(
      getDb(),
      { email: `ana-${dialect}@clínica-peñasco.es`, role: 'customer', password: PASSWORD },
      0,
    );
    for (const email of [`ANA-${dialect}@Clínica-Peñasco.es`, `ana-${dialect}@xn--clnica-peasco-xib1e.es`]) {
      edge.jar.clear();
      await redirected(signInAction(undefined, form({ email, password: PASSWORD })));
    }
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(2);
  });

  it('the ceiling answer is the same for an email with no login', async () => {
    await useFreshDb(dialect);
    const email = `real-${dialect}@t.example`;
    const nobody = `nobody-${dialect}@t.example`;
    await owner(email);
    for (const e of [email, nobody]) for (let i = 0; i < 100; i++) await consume('signInEmail', e);
    const a = await attemptSignIn({ email, password: PASSWORD }, from('203.0.113.30'));
    const b = await attemptSignIn({ email: nobody, password: PASSWORD }, from('203.0.113.31'));
    expect(a).toMatchObject({ ok: false, code: 'throttled', note: { key: 'signIn.throttledUseLink' } });
    expect(b).toMatchObject({ ok: false, code: 'throttled', note: { key: 'signIn.throttledUseLink' } });
    const minutes = (o: typeof a) => (!o.ok && 'note' in o ? Number(o.note.values?.minutes) : 0);
    expect(minutes(a)).toBeGreaterThan(55);
    expect(Math.abs(minutes(a) - minutes(b))).toBeLessThanOrEqual(1);
    // Another email's ceiling is untouched: a wrong password gets the usual answer.
    const c = await attemptSignIn(
      { email: `x-${dialect}@t.example`, password: 'nope' },
      from('203.0.113.32'),
    );
    expect(c).toMatchObject({ ok: false, code: 'invalid' });
  });

  it('the wrong password that spends the ceiling’s last point already points to the link', async () => {
    await useFreshDb(dialect);
    const email = `last-${dialect}@t.example`;
    await owner(email);
    for (let i = 0; i < 99; i++) await consume('signInEmail', email);
    const last = await attemptSignIn({ email, password: 'wrong guess' }, from('203.0.113.40'));
    expect(last).toMatchObject({ ok: false, code: 'throttled', note: { key: 'signIn.throttledUseLink' } });
    // The last point of a stranger's own address allowance is the usual answer: waiting helps there.
    const other = `other-${dialect}@t.example`;
    for (let i = 0; i < 4; i++) await attemptSignIn({ email: other, password: 'x' }, from('203.0.113.41'));
    const fifth = await attemptSignIn({ email: other, password: 'x' }, from('203.0.113.41'));
    expect(fifth).toMatchObject({ ok: false, code: 'throttled', note: { key: 'signIn.throttled' } });
  });

  it('the past-ceiling counter allows one link per requested link’s lifetime', () => {
    expect(LIMITS.emailLinkPastCeiling).toEqual({ points: 1, duration: REQUESTED_LINK_MAX_AGE_SEC });
  });

  it('parallel requests past the ceiling, with no live link, send one link', async () => {
    await useFreshDb(dialect);
    const email = `burst-${dialect}@t.example`;
    await owner(email);
    for (let i = 0; i < 20; i++) await consume('emailLink', email);
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) => requestSignInLink(email, '/', from(`198.51.100.${100 + i}`))),
    );
    expect(answers).toEqual(Array(6).fill(SENT));
    expect(await linkMails(email)).toBe(1);
    expect(await getDb().verificationToken.count({ where: { identifier: email } })).toBe(1);
    expect(await audited('sign_in.link_past_ceiling', email)).toBe(1);
    expect(await audited('sign_in.link_suppressed', email)).toBe(5);
  });

  // Security re-review, 2026-12-05: the past-ceiling link was counted per email only, so one address
  // past its counter, looping over every customer email it could guess, mailed each login 4 links an
  // hour (before that change, 30 an hour in all), filling the outbox ahead of block notices.
  it('one address past its counter mails a bounded number of links, however many logins it names', async () => {
    const vps = from('198.51.100.90');
    const cap = LIMITS.emailLinkPastCeilingIp.points;
    const emails = Array.from({ length: cap + 5 }, (_, i) => `vps-${i}-${dialect}@t.example`);
    await makeAccount({ members: emails });
    for (let i = 0; i < LIMITS.emailLinkIp.points; i++) await consume('emailLinkIp', addressBucket(vps.ip));
    // Side by side, as a loop would send them: every answer is the same.
    const answers = await Promise.all(emails.map((e) => requestSignInLink(e, '/', vps)));
    expect(answers).toEqual(Array(emails.length).fill(SENT));
    const mailed = await getDb().mailMessage.findMany({
      where: { to: { in: emails }, template: 'sign_in_link' },
      select: { to: true },
    });
    expect(mailed).toHaveLength(cap);
    expect(
      await getDb().auditLog.count({
        where: {
          action: 'sign_in.link_suppressed',
          actorEmail: { in: emails },
          detail: { contains: '"by":"emailLinkPastCeilingIp"' },
        },
      }),
    ).toBe(5);
    // Nothing more from there this hour, whichever login it names next.
    expect(await requestSignInLink(emails[0], '/', vps)).toEqual(SENT);
    expect(await linkMails(emails[0])).toBeLessThanOrEqual(1);
    expect(await getDb().mailMessage.count({ where: { to: { in: emails }, template: 'sign_in_link' } })).toBe(
      cap,
    );
    // A mailbox held back keeps its own past-ceiling link: its owner, past another address's counter
    // (an office NAT a stranger spent), gets it at once.
    const heldBack = emails.find((e) => !mailed.some((m) => m.to === e))!;
    const office = from('198.51.100.92');
    for (let i = 0; i < LIMITS.emailLinkIp.points; i++)
      await consume('emailLinkIp', addressBucket(office.ip));
    expect(await requestSignInLink(heldBack, '/', office)).toEqual(SENT);
    expect(await linkMails(heldBack)).toBe(1);
  }, 60_000);

  it('a stranger’s made-up emails do not spend an address’s cap: a colleague there still gets a link', async () => {
    const nat = from('198.51.100.91');
    const colleague = `cap-colleague-${dialect}@t.example`;
    await owner(colleague);
    for (let i = 0; i < LIMITS.emailLinkIp.points; i++) await consume('emailLinkIp', addressBucket(nat.ip));
    // More made-up emails than the cap allows links, past the address's counter.
    const madeUp = Array.from(
      { length: LIMITS.emailLinkPastCeilingIp.points + 5 },
      (_, i) => `cap-nobody-${i}-${dialect}@t.example`,
    );
    expect(await Promise.all(madeUp.map((e) => requestSignInLink(e, '/', nat)))).toEqual(
      Array(madeUp.length).fill(SENT),
    );
    expect(await requestSignInLink(colleague, '/', nat)).toEqual(SENT);
    expect(await linkMails(colleague)).toBe(1);
    expect(await audited('sign_in.link_past_ceiling', colleague)).toBe(1);
  }, 60_000);
});

describe.each(dialects())('a database failure during sign-in is not a wrong password, on %s', (dialect) => {
  it('says so with a reference, counts and audits no failure, and does not lock the owner out', async () => {
    await useFreshDb(dialect);
    const email = `outage-${dialect}@t.example`;
    await owner(email);
    edge.jar.clear();
    edge.ip = '203.0.113.60';
    const lines: { msg?: string; reference?: string; error?: { message?: string } }[] = [];
    const g = globalThis as { __tollgateLog?: unknown };
    const saved = g.__tollgateLog;
    g.__tollgateLog = createLogger({ write: (s: string) => void lines.push(JSON.parse(s)) });
    const restore = await failInserts(dialect, 'Session');
    try {
      // More tries than the 5 a stranger's address gets per email: none of them is counted.
      for (let i = 0; i < 7; i++) {
        const answer = await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }));
        expect(answer).toMatchObject({ ok: false, values: { email } });
        expect(answer.message).toMatch(
          /^We could not check your sign-in just now because of a problem on our side\./,
        );
        expect(answer.message).toMatch(/quote reference [0-9a-f-]{36}\.$/);
      }
      edge.acceptLanguage = 'es-ES,es;q=0.9';
      const es = await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }));
      expect(es.message).toMatch(/^No hemos podido comprobar su inicio de sesión/);
      edge.acceptLanguage = null;
    } finally {
      await restore();
      g.__tollgateLog = saved;
    }
    expect(await audited('sign_in.failure', email)).toBe(0);
    expect(await audited('sign_in.throttled', email)).toBe(0);
    const failed = lines.filter((l) => l.msg === 'sign-in failed');
    expect(failed).toHaveLength(8);
    expect(failed[0].error?.message).toContain('simulated_outage');
    expect(JSON.stringify(failed)).not.toContain(PASSWORD);
    expect(JSON.stringify(failed)).not.toContain(email);
    // The database is back: the same browser and address sign in at once.
    await redirected(signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' })));
    // A wrong password is still a failure, counted and audited as before.
    expect(await attemptSignIn({ email, password: 'wrong guess' }, from('203.0.113.61'))).toMatchObject({
      ok: false,
      code: 'invalid',
    });
    expect(await audited('sign_in.failure', email)).toBe(1);
    // Under the address tried, with no login behind it (the staff audit log's actor filter finds it).
    expect(
      await getDb().auditLog.findFirstOrThrow({
        where: { action: 'sign_in.failure', actorEmail: email },
        select: { actorId: true },
      }),
    ).toEqual({ actorId: null });
  });

  it('a sign-in link whose session could not be written still works once the database is back', async () => {
    await useFreshDb(dialect);
    const email = `link-outage-${dialect}@t.example`;
    await owner(email);
    edge.jar.clear();
    const token = await mailedLinkToken(email);
    // Links revoked once before this one was asked for: the put-back compares a stored mark, not only none.
    await getDb().user.update({ where: { email }, data: { linksRevokedAt: new Date(Date.now() - 60_000) } });
    const BIND = 'outage-binding-cookie-0123456789abcdef';
    edge.jar.set(linkBindCookie(token), BIND);
    const cont = () =>
      continueLinkAction(undefined, form({ token, proof: bindingProof(BIND, token), callbackUrl: '/' }));
    const restore = await failInserts(dialect, 'Session');
    try {
      await expect(cont()).rejects.toThrow();
    } finally {
      await restore();
    }
    // Before: the link was deleted first, so it answered "used or expired" for a sign-in that never happened.
    expect(await getDb().verificationToken.count({ where: { identifier: email } })).toBe(1);
    await redirected(cont());
    expect(await getDb().verificationToken.count({ where: { identifier: email } })).toBe(0);
    // Used once: the same link again, in the same browser, is refused.
    edge.jar.set(linkBindCookie(token), BIND);
    await expect(cont()).rejects.toMatchObject({ digest: expect.stringContaining('error=Verification') });
  });

  // Support disables the login, or its owner changes the password elsewhere (each revokes its links:
  // User.linksRevokedAt moves, lib/auth/revoke.ts), in the moment between the link being taken and the
  // sign-in: a trigger on the link's deletion does it, in the database, as that transaction would. A
  // disabled login's sign-in is refused; an enabled one's fails writing its session (failInserts).
  // Also a disabling that leaves the mark where it was: the disabled login's link stays gone all the same.
  it.each([
    { disabled: true, moved: true },
    { disabled: true, moved: false },
    { disabled: false, moved: true },
  ])(
    'a sign-in link is not put back when its links were revoked while it was used (disabled: $disabled, mark moved: $moved)',
    async ({ disabled, moved }) => {
      await useFreshDb(dialect);
      const email = `link-revoked-${disabled}-${moved}-${dialect}@t.example`;
      await owner(email);
      edge.jar.clear();
      const token = await mailedLinkToken(email);
      const BIND = 'revoked-binding-cookie-0123456789abcdef';
      edge.jar.set(linkBindCookie(token), BIND);
      const db = getDb();
      const name = `test_revoke_on_use_${dialect}`;
      const sets =
        dialect === 'sqlite'
          ? [
              disabled && `"disabled" = 1`,
              moved && `"linksRevokedAt" = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')`,
            ]
          : [disabled && `"disabled" = true`, moved && `"linksRevokedAt" = now()`];
      const set = sets.filter(Boolean).join(', ');
      if (dialect === 'sqlite') {
        await db.$executeRawUnsafe(
          `CREATE TRIGGER ${name} AFTER DELETE ON "VerificationToken" BEGIN
           UPDATE "User" SET ${set} WHERE "email" = OLD."identifier"; END`,
        );
      } else {
        await db.$executeRawUnsafe(
          `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
           UPDATE "User" SET ${set} WHERE "email" = OLD."identifier";
           RETURN OLD; END $$`,
        );
        await db.$executeRawUnsafe(
          `CREATE TRIGGER ${name} AFTER DELETE ON "VerificationToken" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
        );
      }
      const restoreSessions = disabled ? null : await failInserts(dialect, 'Session');
      try {
        const used = continueLinkAction(
          undefined,
          form({ token, proof: bindingProof(BIND, token), callbackUrl: '/' }),
        );
        if (disabled)
          await expect(used).rejects.toMatchObject({ digest: expect.stringContaining('error=Verification') });
        else await expect(used).rejects.toThrow();
      } finally {
        await restoreSessions?.();
        if (dialect === 'sqlite') await db.$executeRawUnsafe(`DROP TRIGGER ${name}`);
        else {
          await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "VerificationToken"`);
          await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
        }
      }
      // The revocation stands: the link is gone, and stays gone once the login is enabled again.
      expect(await db.verificationToken.count({ where: { identifier: email } })).toBe(0);
      await db.user.update({ where: { email }, data: { disabled: false } });
      edge.jar.set(linkBindCookie(token), BIND);
      await expect(
        continueLinkAction(undefined, form({ token, proof: bindingProof(BIND, token), callbackUrl: '/' })),
      ).rejects.toMatchObject({ digest: expect.stringContaining('error=Verification') });
    },
  );
});

// Only PostgreSQL can fail one counter's statement and not the one before it (a row another session
// holds, waited for up to lock_timeout); SQLite's one writer fails both or neither.
describe.each(dialects().filter((d) => d === 'postgresql'))(
  'a sign-in the database cut short, on %s',
  (dialect) => {
    it('a lock not granted at the second counter: the first is given back, and the form says nothing changed', async () => {
      await useFreshDb(dialect);
      const email = `cut-short-${dialect}@t.example`;
      await owner(email);
      edge.jar.clear();
      // This address's counter exists (an attempt before), and another session holds its row.
      await consume('signInIp', addressBucket(edge.ip));
      const db = getDb();
      const [{ key }] = await db.$queryRaw<{ key: string }[]>`
      SELECT "key" FROM "RateLimiterFlexible" WHERE "key" LIKE 'signInIp:%'`;
      const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
      holder.on('error', () => undefined);
      await holder.connect();
      try {
        await holder.query('BEGIN');
        await holder.query('SELECT 1 FROM "RateLimiterFlexible" WHERE "key" = $1 FOR UPDATE', [key]);
        expect(await signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' }))).toEqual({
          ok: false,
          message:
            'The portal cannot reach its records just now, so sending this form changed nothing. Try again in a minute; contact support if it lasts.',
          values: { email },
        });
      } finally {
        try {
          await holder.query('ROLLBACK');
        } finally {
          await holder.end();
        }
      }
      // The attempt counts on none: the email-and-address counter it had already spent was given back.
      const rows = await db.$queryRaw<{ key: string; points: number }[]>`
      SELECT "key", "points" FROM "RateLimiterFlexible" ORDER BY "key"`;
      expect(rows.map((r) => [r.key.split(':')[0], Number(r.points)])).toEqual([
        ['signInEmailIp', 0],
        ['signInIp', 1],
      ]);
      await redirected(signInAction(undefined, form({ email, password: PASSWORD, callbackUrl: '/' })));
    }, 30_000);
  },
);

const NEW_PASSWORD = 'quartz meadow lantern orbit pelican 2027';
const WRONG = 'not the password at all';
const META = { ip: '192.0.2.90', userAgent: 'vitest' };
/** For `.catch(…)` on an action that ends in a redirect: swallows Next's redirect error, rethrows anything else. */
const ignoreRedirect = (e: unknown) => {
  if (!String((e as { digest?: string }).digest ?? e).includes('NEXT_REDIRECT')) throw e;
};
/** A form as one render of a page posts it, with that render's idempotency key. */
const rendered = (fields: Record<string, string>) => form({ ...fields, idempotencyKey: crypto.randomUUID() });
let nextHost = 1;
/** A client address no other attempt of this file used (the per-address counters start empty). */
const freshAddress = () => ({
  ip: `10.90.${Math.floor(nextHost / 250)}.${(nextHost++ % 250) + 1}`,
  userAgent: 'vitest',
});
const code = (offset = 0) =>
  new TOTP({ secret: TOTP_SECRET, digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offset * 30_000,
  });

/** A customer login with the password, a member of a new account; with the second factor when `totp`. */
async function customer(o: { totp?: boolean } = {}) {
  const { account, users } = await makeAccount({ members: [uniqueEmail('kd')] });
  const user = await getDb().user.update({
    where: { id: users[0].id },
    data: {
      passwordHash: await hashPassword(PASSWORD),
      ...(o.totp ? { totpSecret: encryptSecret(TOTP_SECRET), totpEnabledAt: new Date() } : {}),
    },
  });
  return { account, user };
}

/** A staff login (an agent) with the password and the second factor. */
async function agent() {
  return getDb().user.create({
    data: {
      email: uniqueEmail('kd-agent', 'staff.example'),
      role: 'agent',
      passwordHash: await hashPassword(PASSWORD),
      totpSecret: encryptSecret(TOTP_SECRET),
      totpEnabledAt: new Date(),
    },
  });
}

/** The cookie a browser keeps after a sign-in as `email` completed there (as the sign-in gives it). */
const cookieOf = async (email: string) => newDeviceCookie((await deviceLogin({ email }))!);

/** Password sign-in through the form, in the jar's browser. */
const passwordSignIn = (email: string, password = PASSWORD) =>
  signInAction(undefined, form({ email, password, callbackUrl: '/' }));

/**
 * Whether a wrong password from the browser holding `cookie` is counted as a known browser's (its own
 * allowance) rather than a stranger's: what the audit log records of the attempt.
 */
async function countsAsKnown(email: string, cookie: string): Promise<boolean> {
  const known = () =>
    getDb().auditLog.count({
      where: { action: 'sign_in.failure', actorEmail: email, detail: { contains: '"knownDevice":true' } },
    });
  const before = await known();
  const answer = await attemptSignIn({ email, password: WRONG }, freshAddress(), { deviceCookie: cookie });
  expect(answer.ok).toBe(false);
  return (await known()) > before;
}

/** `count` wrong passwords for `email` from one browser and address; the answers' codes and notes. */
async function guesses(email: string, cookie: string | null, count: number, from = freshAddress()) {
  const answers: string[] = [];
  for (let i = 0; i < count; i++) {
    const a = await attemptSignIn({ email, password: `${WRONG} ${i}` }, from, { deviceCookie: cookie });
    answers.push(a.ok ? 'ok' : `${a.code}${'note' in a && a.note ? ` ${a.note.key}` : ''}`);
  }
  return answers;
}

// Known-device cookies (lib/auth/known-device.ts) after the security review of 2026-12-05. Someone
// who had the password for a day kept one cookie per sign-in; each was worth its own allowance of
// guesses, skipped the per-email ceiling, and outlived every revocation. Now: (a) a cookie counts
// only until the login's next revocation (its epoch, User.linksRevokedAt, moved by every one);
// (b) a login with a second factor gets its cookie with the right code, not with the password;
// (c) all of a login's known browsers share one ceiling of failures; (d) a disabled login answers
// the same whether the password typed was right or not.
describe.each(dialects())('known-device cookies, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(() => {
    edge.jar.clear();
    edge.user = null;
  });

  it('(a) cookies collected with the password count for nothing once the owner changes it and signs out everywhere', async () => {
    const { user } = await customer();
    // Someone with the password signs in from three fresh browsers and keeps each browser's cookie.
    const kept: string[] = [];
    for (let i = 0; i < 3; i++) {
      edge.jar.clear();
      await redirected(passwordSignIn(user.email));
      kept.push(edge.jar.get(DEVICE_COOKIE)!);
    }
    expect(new Set(kept).size).toBe(3);
    // Each is worth its own allowance: 5 wrong guesses from one address are no stranger's 5.
    expect(await guesses(user.email, kept[0], 5)).toEqual(Array(5).fill('invalid signIn.invalid'));

    // The owner changes the password (ending the other sessions), then signs out everywhere.
    const here = await makeSession(user.id);
    expect(await changePortalPassword(asCustomer(user, here.id), PASSWORD, NEW_PASSWORD, META)).toMatchObject(
      { ok: true },
    );
    edge.user = asCustomer(user, here.id);
    await signOutEverywhereAction().catch(ignoreRedirect);

    // Every kept cookie now spends a stranger's counters: the 5th wrong guess from an address is the last.
    for (const cookie of kept)
      expect(await guesses(user.email, cookie, 5)).toEqual([
        ...Array(4).fill('invalid signIn.invalid'),
        'throttled signIn.throttled',
      ]);
    // The owner signs in with the new password; that browser's cookie counts again.
    edge.jar.clear();
    await redirected(passwordSignIn(user.email, NEW_PASSWORD));
    expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(true);
  }, 60_000);

  // Every change that ends a login's sessions or links moves the epoch (lib/auth/revoke.ts).
  type Revocation = { name: string; setUp: () => Promise<{ email: string; revoke: () => Promise<unknown> }> };
  const revocations: Revocation[] = [
    {
      name: 'sign out everywhere',
      setUp: async () => {
        const { user } = await customer();
        const s = await makeSession(user.id);
        return {
          email: user.email,
          revoke: async () => {
            edge.user = asCustomer(user, s.id);
            await signOutEverywhereAction().catch(ignoreRedirect);
          },
        };
      },
    },
    {
      name: 'a portal password change',
      setUp: async () => {
        const { user } = await customer();
        const s = await makeSession(user.id);
        return {
          email: user.email,
          revoke: () => changePortalPassword(asCustomer(user, s.id), PASSWORD, NEW_PASSWORD, META),
        };
      },
    },
    ...(['signed out everywhere', 'disabled', 'disabled, then enabled'] as const).map((what) => ({
      name: `support: ${what}`,
      setUp: async () => {
        const { account, user } = await customer();
        const fields = {
          accountNumber: account.number,
          userId: user.id,
          reason: 'The customer asked us to.',
        };
        return {
          email: user.email,
          revoke: async () => {
            edge.user = await makeStaff();
            if (what === 'signed out everywhere')
              return expect(await signOutCustomerAction(undefined, rendered(fields))).toMatchObject({
                ok: true,
              });
            expect(await disableCustomerAction(undefined, rendered(fields))).toMatchObject({ ok: true });
            if (what === 'disabled, then enabled')
              expect(await enableCustomerAction(undefined, rendered(fields))).toMatchObject({ ok: true });
          },
        };
      },
    })),
    {
      name: 'an admin disables a staff login',
      setUp: async () => {
        const target = await agent();
        return {
          email: target.email,
          revoke: async () =>
            expect(
              await setStaffDisabled(
                await makeStaff({ role: 'admin' }),
                { userId: target.id, disabled: true, reason: 'Password seen in a paste' },
                META,
              ),
            ).toMatchObject({ ok: true }),
        };
      },
    },
    {
      // A cookie of the disabled login's epoch (nothing should make one: a disabled login completes no
      // sign-in) is no known browser once it is enabled: enabling moves the epoch too (re-review).
      name: 'an admin enables a staff login again',
      setUp: async () => {
        const target = await agent();
        const admin = await makeStaff({ role: 'admin' });
        expect(
          await setStaffDisabled(
            admin,
            { userId: target.id, disabled: true, reason: 'Password seen in a paste' },
            META,
          ),
        ).toMatchObject({ ok: true });
        return {
          email: target.email,
          revoke: async () =>
            expect(
              await setStaffDisabled(
                admin,
                { userId: target.id, disabled: false, reason: 'Back from leave', clearPassword: false },
                META,
              ),
            ).toMatchObject({ ok: true }),
        };
      },
    },
    {
      name: 'an admin resets a staff login’s second factor',
      setUp: async () => {
        const target = await agent();
        return {
          email: target.email,
          revoke: async () =>
            expect(
              await resetStaffSecondFactor(
                await makeStaff({ role: 'admin' }),
                { userId: target.id, reason: 'Lost phone, confirmed by call' },
                META,
              ),
            ).toMatchObject({ ok: true }),
        };
      },
    },
    {
      name: 'the operator’s reset-second-factor',
      setUp: async () => {
        const { user } = await customer({ totp: true });
        return {
          email: user.email,
          revoke: () =>
            resetSecondFactor(getDb(), { email: user.email, reason: 'Owner verified by a callback' }),
        };
      },
    },
    {
      // What a second-factor enrolment, move or recovery-code replacement calls in its transaction.
      name: 'any other revocation of the login’s links',
      setUp: async () => {
        const { user } = await customer();
        return {
          email: user.email,
          revoke: () => getDb().$transaction((tx) => revokeSignInLinks(tx, user.email)),
        };
      },
    },
  ];

  it.each(revocations)('(a) a cookie made before $name counts as no known browser', async ({ setUp }) => {
    const { email, revoke } = await setUp();
    const before = await cookieOf(email);
    expect(await countsAsKnown(email, before)).toBe(true);
    await revoke();
    expect(await countsAsKnown(email, before)).toBe(false);
  });

  it('(b) with a second factor, the password gives no cookie; the right code does', async () => {
    const { user } = await customer({ totp: true });
    await redirected(passwordSignIn(user.email));
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);
    // A sign-in link, used in this browser, neither: the code is still due.
    await requestSignInLink(user.email, '/', META);
    const mail = await getDb().mailMessage.findFirstOrThrow({
      where: { to: user.email, template: 'sign_in_link' },
    });
    const token = new URL(unseal(JSON.parse(mail.payload).sealedUrl, 'mail-payload-v1')).searchParams.get(
      'token',
    )!;
    const BIND = 'known-device-binding-cookie-0123456789';
    edge.jar.set(linkBindCookie(token), BIND);
    await redirected(
      continueLinkAction(undefined, form({ token, proof: bindingProof(BIND, token), callbackUrl: '/' })),
    );
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);

    // The code's page: a wrong code gives nothing, the right one the cookie, which counts as known.
    const s = await makeSession(user.id);
    edge.user = asCustomer(user, s.id);
    edge.user = { ...edge.user, mfaEnrolled: true, mfaVerified: false };
    const wrong = await verifyAction(undefined, form({ code: code(10) }));
    expect(wrong).toMatchObject({ ok: false });
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);
    await redirected(verifyAction(undefined, form({ code: code() })));
    expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(true);
    // Signing in again from that browser keeps its cookie.
    const kept = edge.jar.get(DEVICE_COOKIE);
    await redirected(passwordSignIn(user.email));
    expect(edge.jar.get(DEVICE_COOKIE)).toBe(kept);
  }, 30_000);

  it('(b) without a second factor, the password or a used link gives the cookie at once', async () => {
    const { user } = await customer();
    await redirected(passwordSignIn(user.email));
    expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(true);
    edge.jar.clear();
    await requestSignInLink(user.email, '/', META);
    const mail = await getDb().mailMessage.findFirstOrThrow({
      where: { to: user.email, template: 'sign_in_link' },
    });
    const token = new URL(unseal(JSON.parse(mail.payload).sealedUrl, 'mail-payload-v1')).searchParams.get(
      'token',
    )!;
    edge.jar.set(linkBindCookie(token), 'known-device-binding-cookie-abcdef0123');
    await redirected(
      continueLinkAction(
        undefined,
        form({
          token,
          proof: bindingProof('known-device-binding-cookie-abcdef0123', token),
          callbackUrl: '/',
        }),
      ),
    );
    expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(true);
  });

  it('(c) many known browsers share one ceiling of failures, which strangers cannot spend', async () => {
    const { user } = await customer();
    const browsers = await Promise.all(Array.from({ length: 4 }, () => cookieOf(user.email)));
    // Strangers spending the ceiling for unknown browsers do not touch the known ones'.
    for (let i = 0; i < LIMITS.signInEmail.points; i++) await consume('signInEmail', user.email);
    expect(
      await attemptSignIn({ email: user.email, password: PASSWORD }, freshAddress(), {
        deviceCookie: browsers[0],
      }),
    ).toMatchObject({ ok: true });
    // 3 browsers x 9 wrong guesses (each under its own allowance of 10), then a fourth browser:
    // the 30th failure is the last the login's known browsers get this hour.
    for (const b of browsers.slice(0, 3))
      expect(await guesses(user.email, b, 9)).toEqual(Array(9).fill('invalid signIn.invalid'));
    expect(await guesses(user.email, browsers[3], 4)).toEqual([
      'invalid signIn.invalid',
      'invalid signIn.invalid',
      'throttled signIn.throttled',
      'throttled signIn.throttled',
    ]);
    // Even the right password, from any of them, waits now...
    expect(
      await attemptSignIn({ email: user.email, password: PASSWORD }, freshAddress(), {
        deviceCookie: browsers[0],
      }),
    ).toMatchObject({ ok: false, code: 'throttled' });
    // ...and the owner's way out is a revocation (here "sign out everywhere" after a link): the old
    // cookies are strangers' then, and the new epoch's browsers have a fresh ceiling.
    await getDb().$transaction((tx) => revokeSignInLinks(tx, user.email));
    const fresh = await cookieOf(user.email);
    expect(
      await attemptSignIn({ email: user.email, password: PASSWORD }, freshAddress(), { deviceCookie: fresh }),
    ).toMatchObject({ ok: true });
    expect(LIMITS.signInEmailDevices.points).toBe(30);
  }, 60_000);

  it('(d) a disabled login answers the same whether the password typed was right or not', async () => {
    const { account, user } = await customer();
    const own = await cookieOf(user.email);
    edge.user = await makeStaff();
    await disableCustomerAction(
      undefined,
      rendered({ accountNumber: account.number, userId: user.id, reason: 'The customer asked us to.' }),
    );
    // Its owner's browser (the cookie from before the disable: it no longer counts as known, but it
    // is theirs) is told the login is disabled, for the right password and a wrong one alike...
    for (const password of [PASSWORD, WRONG])
      expect(
        await attemptSignIn({ email: user.email, password }, freshAddress(), { deviceCookie: own }),
      ).toEqual({ ok: false, code: 'refused', note: { key: 'signIn.disabled' } });
    // ...any other browser gets the answer of a wrong password, for either.
    for (const password of [PASSWORD, WRONG])
      expect(await attemptSignIn({ email: user.email, password }, freshAddress())).toEqual({
        ok: false,
        code: 'invalid',
        note: { key: 'signIn.invalid' },
      });
  });

  // Security re-review, 2026-12-05: each of these moved the epoch while this browser's session stayed
  // (or, for "sign out everywhere", was signed out with the others), and nothing gave this browser a
  // cookie of the new epoch: the owner who changed the password during an attack was a stranger at
  // their next sign-in there. It keeps being known; every other browser's cookie still ends.
  type OwnChange = { name: string; totp: boolean; act: (me: CurrentUser) => Promise<unknown> };
  const ownChanges: OwnChange[] = [
    {
      name: 'a portal password change',
      totp: false,
      act: async () =>
        expect(
          await changePasswordAction(undefined, rendered({ current: PASSWORD, next: NEW_PASSWORD })),
        ).toMatchObject({ ok: true }),
    },
    { name: 'sign out everywhere', totp: false, act: () => signOutEverywhereAction().catch(ignoreRedirect) },
    {
      name: 'setting up the second factor',
      totp: false,
      act: async (me) => {
        const { secret } = await pendingEnrolment(me);
        expect(await sendEnrolmentProofAction(undefined, form({}))).toMatchObject({ ok: true });
        const mailCode = await mailedEnrolmentCode(me.email);
        expect(await enrolAction(undefined, form({ code: codeOf(secret), mailCode }))).toMatchObject({
          ok: true,
        });
      },
    },
    {
      name: 'moving the second factor to a new phone',
      totp: true,
      act: async (me) => {
        const page = await movePage(me);
        if (page.inForce) throw new Error('the move page shows no QR code');
        expect(await sendMoveProofAction(undefined, form({}))).toMatchObject({ ok: true });
        const mailCode = await mailedEnrolmentCode(me.email);
        expect(
          await moveAction(undefined, form({ code: codeOf(page.secret), mailCode, shown: page.shown })),
        ).toMatchObject({ ok: true });
      },
    },
    {
      name: 'new recovery codes',
      totp: true,
      act: async () =>
        expect(await newRecoveryCodesAction(undefined, form({ code: code() }))).toMatchObject({ ok: true }),
    },
  ];

  it.each(ownChanges)(
    '(e) the browser that makes $name stays a known device; other browsers do not',
    async ({ totp, act }) => {
      const { user } = await customer({ totp });
      const s = await makeSession(user.id, { mfaVerified: totp });
      const me = { ...asCustomer(user, s.id), mfaEnrolled: totp, mfaVerified: totp };
      edge.user = me;
      edge.jar.set(DEVICE_COOKIE, await cookieOf(user.email));
      const elsewhere = await cookieOf(user.email);
      await act(me);
      expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(true);
      expect(await countsAsKnown(user.email, elsewhere)).toBe(false);
    },
    30_000,
  );

  it('(e) no cookie for a session that ended, has not passed the second factor, or a disabled login', async () => {
    const { user } = await customer({ totp: true });
    const half = await makeSession(user.id);
    await keepDeviceKnown(user.id, { id: half.id });
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);
    const ended = await makeSession(user.id, { mfaVerified: true });
    await getDb().session.delete({ where: { id: ended.id } });
    await keepDeviceKnown(user.id, { id: ended.id });
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);
    const live = await makeSession(user.id, { mfaVerified: true });
    await getDb().user.update({ where: { id: user.id }, data: { disabled: true } });
    await keepDeviceKnown(user.id, { sessionToken: live.sessionToken });
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);
    // Another login's session names nobody here either.
    const { user: other } = await customer();
    const theirs = await makeSession(other.id);
    await getDb().user.update({ where: { id: user.id }, data: { disabled: false } });
    await keepDeviceKnown(user.id, { id: theirs.id });
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(false);
    await keepDeviceKnown(user.id, { id: live.id });
    expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(true);
  });

  // Security re-review, 2026-12-05: Continue read the login's epoch after the link was used, so a
  // revocation committing in between gave this browser a cookie valid past it. A trigger on the
  // link's deletion moves the mark in that moment, as a "sign out everywhere" committing then would.
  it('(f) a revocation committed while a link is used leaves the cookie that link gives stale', async () => {
    const { user } = await customer();
    expect(await requestSignInLink(user.email, '/', freshAddress())).toEqual(SENT);
    const token = await newestLinkToken(user.email);
    const BIND = 'epoch-race-binding-cookie-0123456789ab';
    edge.jar.set(linkBindCookie(token), BIND);
    const drop = await moveMarkOnLinkUse(dialect, `test_epoch_on_use_${dialect}`);
    try {
      await redirected(
        continueLinkAction(undefined, form({ token, proof: bindingProof(BIND, token), callbackUrl: '/' })),
      );
    } finally {
      await drop();
    }
    // Signed in (the link is used), and the browser got a cookie, of the epoch before the revocation.
    expect(await getDb().session.count({ where: { userId: user.id } })).toBe(1);
    expect(await getDb().user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({
      linksRevokedAt: expect.any(Date),
    });
    expect(edge.jar.has(DEVICE_COOKIE)).toBe(true);
    expect(await countsAsKnown(user.email, edge.jar.get(DEVICE_COOKIE)!)).toBe(false);
  });
});

/** The token of the newest sign-in link queued for `email`. */
async function newestLinkToken(email: string): Promise<string> {
  const mail = await getDb().mailMessage.findFirstOrThrow({
    where: { to: email, template: 'sign_in_link' },
    orderBy: { createdAt: 'desc' },
  });
  return new URL(unseal(JSON.parse(mail.payload).sealedUrl, 'mail-payload-v1')).searchParams.get('token')!;
}

/**
 * A trigger named `name` that moves the revocation mark (User.linksRevokedAt) of a link's owner to now
 * when the link's row is deleted (used); returns what drops it.
 */
async function moveMarkOnLinkUse(dialect: string, name: string): Promise<() => Promise<void>> {
  const db = getDb();
  if (dialect === 'sqlite') {
    await db.$executeRawUnsafe(
      `CREATE TRIGGER ${name} AFTER DELETE ON "VerificationToken" BEGIN
       UPDATE "User" SET "linksRevokedAt" = strftime('%Y-%m-%dT%H:%M:%f+00:00', 'now')
       WHERE "email" = OLD."identifier"; END`,
    );
    return async () => void (await db.$executeRawUnsafe(`DROP TRIGGER ${name}`));
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
     UPDATE "User" SET "linksRevokedAt" = now() WHERE "email" = OLD."identifier";
     RETURN OLD; END $$`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} AFTER DELETE ON "VerificationToken" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "VerificationToken"`);
    await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  };
}

/** The current code of a TOTP `secret` (base32; RFC 6238, 30-second steps). */
const codeOf = (secret: string) => new TOTP({ secret, digits: 6, period: 30 }).generate();
