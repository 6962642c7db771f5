import { TOTP } from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptTotp, matchTotpStep } from '@/lib/auth/totp';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeUserWithSession } from '@/tests/helpers/factory';
import { dataOf, said } from '@/tests/helpers/outcome';

const SECRET = 'JBSWY3DPEHPK3PXP';
const codeAt = (ms: number) =>
  new TOTP({ secret: SECRET, digits: 6, period: 30 }).generate({ timestamp: ms });
/** Now, once at least 3 s remain of the current 30 s step (waits up to 3 s): a test's codes keep their steps. */
async function awayFromStepEdge(): Promise<number> {
  const left = 30_000 - (Date.now() % 30_000);
  if (left < 3000) await new Promise((r) => setTimeout(r, left + 50));
  return Date.now();
}

describe('TOTP codes (RFC 6238)', () => {
  it('accept the current step and one either side, nothing further', () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 15);
    const step = Math.floor(now / 30_000);
    expect(matchTotpStep(SECRET, codeAt(now), now)).toBe(step);
    expect(matchTotpStep(SECRET, codeAt(now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(SECRET, codeAt(now + 30_000), now)).toBe(step + 1);
    expect(matchTotpStep(SECRET, codeAt(now - 90_000), now)).toBeNull();
    expect(matchTotpStep(SECRET, 'abcdef', now)).toBeNull();
  });
});

describe.each(dialects())('a TOTP code works once, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  it('the same code is refused the second time, for the same user only', async () => {
    const code = codeAt(Date.now());
    expect(await acceptTotp(`u1-${dialect}`, SECRET, code)).not.toBeNull();
    expect(await acceptTotp(`u1-${dialect}`, SECRET, code)).toBe('used');
    expect(await acceptTotp(`u2-${dialect}`, SECRET, code)).not.toBeNull();
  });
  it('once a code is accepted, no code of an earlier step is; a later one still is', async () => {
    // An older code read over a shoulder is useless once its owner signed in with a newer one
    // (tester, session 46). Away from a step's edge, so that every code below keeps its step.
    const now = await awayFromStepEdge();
    expect(await acceptTotp(`u4-${dialect}`, SECRET, codeAt(now))).not.toBeNull();
    expect(await acceptTotp(`u4-${dialect}`, SECRET, codeAt(now - 30_000))).toBe('used');
    expect(await acceptTotp(`u4-${dialect}`, SECRET, codeAt(now + 30_000))).not.toBeNull();
    // Another user's codes are their own.
    expect(await acceptTotp(`u5-${dialect}`, SECRET, codeAt(now - 30_000))).not.toBeNull();
  });
  it('a step given back frees the earlier steps it spent, and leaves one spent before spent', async () => {
    const now = await awayFromStepEdge();
    expect(await acceptTotp(`u6-${dialect}`, SECRET, codeAt(now - 30_000))).not.toBeNull();
    const spent = await acceptTotp(`u6-${dialect}`, SECRET, codeAt(now));
    if (!spent || spent === 'used') throw new Error('the code was not accepted');
    await spent.giveBack();
    // The code of `now` is good again; the one accepted before it stays spent.
    expect(await acceptTotp(`u6-${dialect}`, SECRET, codeAt(now - 30_000))).toBe('used');
    expect(await acceptTotp(`u6-${dialect}`, SECRET, codeAt(now))).not.toBeNull();
    // A step that was free before is free again once the step that spent it is given back.
    const fresh = await acceptTotp(`u7-${dialect}`, SECRET, codeAt(now));
    if (!fresh || fresh === 'used') throw new Error('the code was not accepted');
    await fresh.giveBack();
    expect(await acceptTotp(`u7-${dialect}`, SECRET, codeAt(now - 30_000))).not.toBeNull();
  });
  it('a step given back (the change it was for failed) takes the same code once more', async () => {
    const code = codeAt(Date.now());
    const spent = await acceptTotp(`u3-${dialect}`, SECRET, code);
    if (!spent || spent === 'used') throw new Error('the code was not accepted');
    await spent.giveBack();
    expect(await acceptTotp(`u3-${dialect}`, SECRET, code)).not.toBeNull();
    expect(await acceptTotp(`u3-${dialect}`, SECRET, code)).toBe('used');
  });
});

describe.each(dialects())('second-factor failures across windows, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  it('malformed input is not counted; the 20th wrong code locks once, with one email; the unlock link clears it', async () => {
    const { getDb } = await import('@/lib/server/db');
    const { verifySecondFactor } = await import('@/lib/auth/mfa/verify');
    const { recordSecondFactorFailure, unlockSecondFactor, TOTP_LOCK_AFTER } =
      await import('@/lib/auth/mfa/lockout');
    const db = getDb();
    const { u, me } = await makeUserWithSession('agent', { secret: SECRET, mfaVerified: false });
    const meta = { ip: '198.51.100.7', userAgent: 'vitest' };

    for (const typed of ['508 29', 'abc', ''])
      expect(said(await verifySecondFactor(me, typed, meta))).toBe('mfa.malformed');
    expect(await db.auditLog.count({ where: { actorId: u.id, action: 'mfa.failure' } })).toBe(0);
    expect((await db.user.findUniqueOrThrow({ where: { id: u.id } })).totpFailures).toBe(0);

    for (let i = 1; i < TOTP_LOCK_AFTER; i++)
      expect((await recordSecondFactorFailure(me, meta)).locked).toBe(false);
    expect(await recordSecondFactorFailure(me, meta)).toEqual({ locked: true, failures: 20 });
    expect(await recordSecondFactorFailure(me, meta)).toEqual({ locked: true, failures: 21 });
    expect(await db.mailMessage.count({ where: { to: u.email, template: 'mfa_locked' } })).toBe(1);
    expect(await db.auditLog.count({ where: { actorId: u.id, action: 'mfa.locked' } })).toBe(1);
    // Locked: even the right code is not checked.
    expect(said(await verifySecondFactor(me, codeAt(Date.now()), meta))).toBe('mfa.locked');
    // Its mail still on its way: no second one.
    const lockMails = () => db.mailMessage.count({ where: { to: u.email, template: 'mfa_locked' } });
    expect(await lockMails()).toBe(1);
    // Review, session 33: the lock has no end and its link lives 24 h. Once the mail went out and its
    // link expired, a try says a link is on its way: one is, a fresh one, and only one while it lives.
    await db.mailMessage.updateMany({
      where: { to: u.email, template: 'mfa_locked' },
      data: { status: 'done', createdAt: new Date(Date.now() - 25 * 3600_000) },
    });
    await db.verificationToken.create({
      data: {
        identifier: `mfa-unlock:${u.email}`,
        token: `expired-${dialect}`,
        expires: new Date(Date.now() - 1000),
      },
    });
    expect(said(await verifySecondFactor(me, codeAt(Date.now()), meta))).toBe('mfa.locked');
    expect(await lockMails()).toBe(2);
    expect(said(await verifySecondFactor(me, '000000', meta))).toBe('mfa.locked');
    expect(await lockMails()).toBe(2);
    // Sent, with a live link: none more.
    await db.mailMessage.updateMany({
      where: { to: u.email, template: 'mfa_locked' },
      data: { status: 'done' },
    });
    await db.verificationToken.create({
      data: {
        identifier: `mfa-unlock:${u.email}`,
        token: `live-${dialect}`,
        expires: new Date(Date.now() + 3600_000),
      },
    });
    expect(said(await verifySecondFactor(me, '000000', meta))).toBe('mfa.locked');
    expect(await lockMails()).toBe(2);

    await unlockSecondFactor(me, meta);
    expect(await db.user.findUniqueOrThrow({ where: { id: u.id } })).toMatchObject({
      totpFailures: 0,
      totpLockedAt: null,
    });
    expect(said(await verifySecondFactor(me, codeAt(Date.now()).replace(/^(\d{3})/, '$1 '), meta))).toBe(
      'ok',
    );
  });
});

describe.each(dialects())('recovery codes, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  it('new codes need a current TOTP code, replace the old ones, revoke sign-in links, and work once as typed', async () => {
    const { getDb } = await import('@/lib/server/db');
    const { replaceRecoveryCodes } = await import('@/lib/auth/mfa/recovery');
    const { verifySecondFactor } = await import('@/lib/auth/mfa/verify');
    const db = getDb();
    const { u, me } = await makeUserWithSession('customer', { secret: SECRET, mfaVerified: true });
    const meta = { ip: '198.51.100.7', userAgent: 'vitest' };
    await db.verificationToken.create({
      data: { identifier: u.email, token: `t-${dialect}`, expires: new Date(Date.now() + 600_000) },
    });

    expect(said(await replaceRecoveryCodes(me, 'ABCD-EFGH-JKMN-PQRS', meta))).toBe('mfa.malformedTotp');
    const first = dataOf(await replaceRecoveryCodes(me, codeAt(Date.now()), meta));
    const rows = await db.recoveryCode.findMany({ where: { userId: u.id } });
    expect(rows).toHaveLength(10);
    for (const r of rows) expect(r.codeHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await db.verificationToken.count({ where: { identifier: u.email } })).toBe(0);

    const second = dataOf(await replaceRecoveryCodes(me, codeAt(Date.now() + 30_000), meta));
    const old = first.recoveryCodes[0];
    const fresh = second.recoveryCodes[0];
    expect(said(await verifySecondFactor(me, old, meta))).toBe('mfa.wrong');
    expect(said(await verifySecondFactor(me, ` ${fresh.toLowerCase().replace(/-/g, ' ')} `, meta))).toBe(
      'ok',
    );
    expect(said(await verifySecondFactor(me, fresh, meta))).toBe('mfa.wrong'); // once only
  });
});
