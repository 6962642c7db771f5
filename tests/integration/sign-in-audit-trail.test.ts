import crypto from 'node:crypto';
import { TOTP } from 'otpauth';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { jar } from '@/tests/helpers/cookie-jar';

// The sign-in audit trail an auditor can trust (compliance test, 2026-12-07): a password accepted for
// a login with a second factor is recorded as such (`secondFactor: pending`), not as a sign-in; the
// right code completes it (`mfa.verified`, with the code's kind); a refused password records why
// (staff eyes only: the visitor's answer is the same); a throttled attempt records when the lock ends;
// password sign-ins say `method: password`. next/headers is this test's edge (Auth.js's signIn() reads
// it); the rest, Auth.js included, runs for real on each dialect.

vi.mock('next/headers', async () => (await import('@/tests/helpers/cookie-jar')).nextHeaders);

const { attemptSignIn } = await import('@/lib/auth/sign-in');
const { bindingProof, redeemSignInLink } = await import('@/lib/auth/link-sign-in');
const { verifySecondFactor } = await import('@/lib/auth/mfa/verify');
const { userOfSession } = await import('@/lib/auth/session');
const { hashPassword } = await import('@/lib/auth/password');
const { encryptSecret } = await import('@/lib/auth/totp');
const { hashLinkToken } = await import('@/lib/mail/link-token');
const { readAuditDetail } = await import('@/lib/staff/audit-detail');
const { getDb } = await import('@/lib/server/db');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { TOTP_SECRET } = await import('@/tests/helpers/factory');
const { uniqueEmail } = await import('@/tests/helpers/unique');
const { said } = await import('@/tests/helpers/outcome');

const PASSWORD = 'audit-trail-horse-battery-9';
let address = 10;
/** A request from an address of its own: each test's counters start empty. */
const fresh = () => ({ ip: `203.0.113.${address++}`, userAgent: 'vitest' });
const code = (offset = 0) =>
  new TOTP({ secret: TOTP_SECRET, digits: 6, period: 30 }).generate({
    timestamp: Date.now() + offset * 30_000,
  });

/** A login with `PASSWORD` (none when `password: false`), with TOTP_SECRET as its second factor when `totp`. */
async function login(
  o: { totp?: boolean; password?: boolean; disabled?: boolean; role?: 'customer' | 'agent' } = {},
) {
  return getDb().user.create({
    data: {
      email: uniqueEmail('trail'),
      role: o.role ?? 'customer',
      passwordHash: o.password === false ? null : await hashPassword(PASSWORD),
      disabled: o.disabled ?? false,
      ...(o.totp ? { totpSecret: encryptSecret(TOTP_SECRET), totpEnabledAt: new Date() } : {}),
    },
  });
}

/** The detail of the newest `action` row under `email` (the actor's address, or the one typed), parsed. */
async function lastDetail(action: string, email: string): Promise<Record<string, unknown>> {
  const row = await getDb().auditLog.findFirstOrThrow({
    where: { action, actorEmail: email },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
  });
  return JSON.parse(row.detail ?? 'null') as Record<string, unknown>;
}

/** The audit table's reading of the newest `action` row under `email`: each field's label and value. */
async function shown(action: string, email: string) {
  const read = readAuditDetail(action, JSON.stringify(await lastDetail(action, email)));
  return read?.kind === 'fields' ? read.fields.map((f) => ({ label: f.label, value: f.value })) : [];
}

describe.each(dialects())('the sign-in audit trail on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a login without a second factor: signed in, by password, and the row says so', async () => {
    const u = await login();
    jar.clear();
    expect((await attemptSignIn({ email: u.email, password: PASSWORD }, fresh())).ok).toBe(true);
    expect(await lastDetail('sign_in.success', u.email)).toEqual({
      method: 'password',
      secondFactor: 'none',
      knownDevice: false,
    });
    expect((await shown('sign_in.success', u.email))[0]).toEqual({
      label: 'signIn',
      value: { kind: 'term', key: 'audit.term.signIn.none.password', code: 'password none' },
    });
  });

  it('a staff password with a wrong code is "password accepted, second factor pending", never a sign-in; the right code completes it', async () => {
    const u = await login({ totp: true, role: 'agent' });
    jar.clear();
    const meta = fresh();
    expect((await attemptSignIn({ email: u.email, password: PASSWORD }, meta)).ok).toBe(true);
    expect(await lastDetail('sign_in.success', u.email)).toEqual({
      method: 'password',
      secondFactor: 'pending',
      knownDevice: false,
    });
    expect((await shown('sign_in.success', u.email))[0]).toEqual({
      label: 'signIn',
      value: { kind: 'term', key: 'audit.term.signIn.pending.password', code: 'password pending' },
    });
    const db = getDb();
    const half = await db.session.findFirstOrThrow({ where: { userId: u.id } });
    const me = (await userOfSession(half.sessionToken))!;
    expect(said(await verifySecondFactor(me, code(5), meta))).toBe('mfa.wrong');
    // The person never got in: the session is half signed in, and no row says the sign-in completed.
    expect((await db.session.findUniqueOrThrow({ where: { id: half.id } })).mfaVerifiedAt).toBeNull();
    expect(await db.auditLog.count({ where: { actorId: u.id, action: 'mfa.verified' } })).toBe(0);

    expect(said(await verifySecondFactor(me, code(), meta))).toBe('ok');
    expect(await lastDetail('mfa.verified', u.email)).toEqual({ kind: 'totp' });
    expect(await shown('mfa.verified', u.email)).toEqual([
      { label: 'codeKind', value: { kind: 'term', key: 'audit.term.codeKind.totp', code: 'totp' } },
    ]);
  });

  it('an emailed link to a login with a second factor is pending too', async () => {
    const u = await login({ totp: true });
    jar.clear();
    const token = crypto.randomBytes(32).toString('hex');
    await getDb().verificationToken.create({
      data: { identifier: u.email, token: hashLinkToken(token), expires: new Date(Date.now() + 600_000) },
    });
    const bind = 'audit-trail-binding-cookie-0123456789';
    const r = await redeemSignInLink({ token, proof: bindingProof(bind, token), bindCookie: bind }, fresh());
    expect(r.ok).toBe(true);
    expect(await lastDetail('sign_in.success', u.email)).toEqual({
      method: 'email_link',
      secondFactor: 'pending',
    });
  });

  it('a refused password records why, while the visitor gets one answer for all of them', async () => {
    const plain = await login();
    const linkOnly = await login({ password: false });
    const disabled = await login({ disabled: true });
    const unknown = uniqueEmail('nobody');
    jar.clear();
    const answers = [
      await attemptSignIn({ email: unknown, password: PASSWORD }, fresh()),
      await attemptSignIn({ email: plain.email, password: 'not the password' }, fresh()),
      await attemptSignIn({ email: linkOnly.email, password: PASSWORD }, fresh()),
      // The right password for a disabled login, from a browser that never signed in as it.
      await attemptSignIn({ email: disabled.email, password: PASSWORD }, fresh()),
    ];
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ ok: false, code: 'invalid' });

    const reasons = [unknown, plain.email, linkOnly.email, disabled.email].map(async (e) => ({
      ...(await lastDetail('sign_in.failure', e)),
      email: undefined,
    }));
    expect(await Promise.all(reasons)).toEqual([
      { email: undefined, reason: 'unknown_email', knownDevice: false },
      { email: undefined, reason: 'wrong_password', knownDevice: false },
      { email: undefined, reason: 'no_password', knownDevice: false },
      { email: undefined, reason: 'disabled', knownDevice: false, disabled: true },
    ]);
    expect((await shown('sign_in.failure', unknown))[1]).toEqual({
      label: 'failureReason',
      value: { kind: 'term', key: 'audit.term.signInFailure.unknown_email', code: 'unknown_email' },
    });
  });

  it('the failure that spends the last try and the throttled one after it say until when the lock holds', async () => {
    const u = await login();
    jar.clear();
    const meta = fresh();
    // Five tries for this email from this address (signInEmailIp), locked for 15 minutes after.
    for (let i = 0; i < 4; i++) await attemptSignIn({ email: u.email, password: `wrong ${i}` }, meta);
    expect(await lastDetail('sign_in.failure', u.email)).not.toHaveProperty('lockedUntil');
    const before = Date.now();
    await attemptSignIn({ email: u.email, password: 'wrong 5' }, meta);
    const fifth = await lastDetail('sign_in.failure', u.email);
    expect(fifth.reason).toBe('wrong_password');
    const throttled = await attemptSignIn({ email: u.email, password: PASSWORD }, meta);
    expect(throttled).toMatchObject({ ok: false, code: 'throttled' });
    const row = await lastDetail('sign_in.throttled', u.email);
    expect(row).toMatchObject({ email: u.email, by: 'signInEmailIp' });
    for (const until of [fifth.lockedUntil, row.lockedUntil]) {
      expect(until).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      const at = new Date(until as string).getTime();
      expect(at).toBeGreaterThanOrEqual(before + 14 * 60_000);
      expect(at).toBeLessThanOrEqual(Date.now() + 15 * 60_000 + 1_000);
    }
    expect((await shown('sign_in.throttled', u.email)).map((f) => f.label)).toEqual([
      'email',
      'limit',
      'lockedUntil',
    ]);
  });
});
