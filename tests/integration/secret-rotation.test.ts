import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operatorIdentity, resealSecrets } from '@/lib/accounts/commands';
import { decryptSecret, encryptSecret, hashRecoveryCode } from '@/lib/auth/totp';
import { verifySecondFactor } from '@/lib/auth/mfa/verify';
import { mac } from '@/lib/server/seal';
import { makeSession, makeUserWithSession } from '@/tests/helpers/factory';
import { said } from '@/tests/helpers/outcome';
import { getDb } from '@/lib/server/db';
import { ConfigError } from '@/lib/server/env';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// Rotating AUTH_SECRET without locking anyone out (docs/operations.md): while the old value is kept
// as AUTH_SECRET_PREVIOUS every sealed TOTP secret still opens; `admin reseal-secrets` moves them to
// the new key, after which the old value can go.
const OLD = 'old-auth-secret-old-auth-secret-0123456789';
const NEW = 'new-auth-secret-new-auth-secret-0123456789';
const saved = { current: process.env.AUTH_SECRET, previous: process.env.AUTH_SECRET_PREVIOUS };

describe.each(dialects())('rotating AUTH_SECRET on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  afterAll(() => {
    process.env.AUTH_SECRET = saved.current;
    if (saved.previous === undefined) delete process.env.AUTH_SECRET_PREVIOUS;
    else process.env.AUTH_SECRET_PREVIOUS = saved.previous;
  });

  it('keeps second factors readable through the rotation', async () => {
    const db = getDb();
    process.env.AUTH_SECRET = OLD;
    delete process.env.AUTH_SECRET_PREVIOUS;
    const user = await db.user.create({
      data: {
        email: `rot-${dialect}@example.com`,
        role: 'agent',
        totpSecret: encryptSecret('JBSWY3DPEHPK3PXP'),
      },
    });
    const stored = async () => (await db.user.findUniqueOrThrow({ where: { id: user.id } })).totpSecret!;

    process.env.AUTH_SECRET = NEW; // rotated without keeping the old one: unreadable (today's failure)
    expect(() => decryptSecret(user.totpSecret!)).toThrow();

    process.env.AUTH_SECRET_PREVIOUS = OLD; // the documented way
    expect(decryptSecret(await stored())).toBe('JBSWY3DPEHPK3PXP');
    expect(await resealSecrets(db)).toEqual({ resealed: 1, current: 0 });
    expect(await resealSecrets(db)).toEqual({ resealed: 0, current: 1 });
    // The operator command is audited when it re-sealed something (actor operator-cli), not when idle.
    const rows = await db.auditLog.findMany({ where: { action: 'secrets.resealed' } });
    expect(rows.map((r) => [r.actorEmail, JSON.parse(r.detail!)])).toEqual([
      ['operator-cli', { resealed: 1, unreadable: 0, ...operatorIdentity() }],
    ]);

    delete process.env.AUTH_SECRET_PREVIOUS; // the rotation is over
    expect(decryptSecret(await stored())).toBe('JBSWY3DPEHPK3PXP');
  });

  // Review, session 33: recovery codes were stored as an HMAC under AUTH_SECRET, so a rotation left
  // every one of them unusable (and counted by the profile as left). A code stored that way still
  // signs in while its secret is AUTH_SECRET_PREVIOUS; codes made now no longer depend on the secret.
  it('keeps recovery codes usable through the rotation', async () => {
    const db = getDb();
    process.env.AUTH_SECRET = OLD;
    delete process.env.AUTH_SECRET_PREVIOUS;
    const { u, me } = await makeUserWithSession('customer', { secret: 'JBSWY3DPEHPK3PXP' });
    const legacy = 'ABCDEFGHJKMNPQRS';
    await db.recoveryCode.create({
      data: { userId: u.id, codeHash: `hmac-sha256:${mac(legacy, 'recovery-code-v1')}` },
    });
    const fresh = 'QRSTVWXYZ0123456';
    await db.recoveryCode.create({ data: { userId: u.id, codeHash: hashRecoveryCode(fresh) } });
    const meta = { ip: '192.0.2.5', userAgent: 'vitest' };
    process.env.AUTH_SECRET = NEW;
    process.env.AUTH_SECRET_PREVIOUS = OLD;
    expect(said(await verifySecondFactor(me, 'abcd efgh jkmn pqrs', meta))).toBe('ok');
    delete process.env.AUTH_SECRET_PREVIOUS; // the rotation is over; another browser, password only
    const other = await makeSession(u.id);
    expect(said(await verifySecondFactor({ ...me, sessionId: other.id }, 'QRST-VWXY-Z012-3456', meta))).toBe(
      'ok',
    );
    expect(await db.recoveryCode.count({ where: { userId: u.id, usedAt: null } })).toBe(0);
  });

  it('re-seals nothing when AUTH_SECRET is unset or malformed, and names it', async () => {
    const db = getDb();
    process.env.AUTH_SECRET = OLD;
    delete process.env.AUTH_SECRET_PREVIOUS;
    const user = await db.user.create({
      data: {
        email: `rot-unset-${dialect}@example.com`,
        role: 'agent',
        totpSecret: encryptSecret('JBSWY3DPEHPK3PXP'),
      },
    });
    // Step 2 of the rotation run in a shell that exported only the old value: once re-sealed every
    // TOTP secret under an empty key (unreadable by the portal, readable by anyone with the database).
    delete process.env.AUTH_SECRET;
    process.env.AUTH_SECRET_PREVIOUS = OLD;
    const refusal = await resealSecrets(db).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ConfigError);
    expect((refusal as ConfigError).problems).toEqual(['AUTH_SECRET: is required (at least 32 bytes)']);
    for (const bad of ['too-short', `${NEW}\n`]) {
      process.env.AUTH_SECRET = bad;
      await expect(resealSecrets(db)).rejects.toThrow(/AUTH_SECRET: /);
    }
    process.env.AUTH_SECRET = NEW;
    process.env.AUTH_SECRET_PREVIOUS = 'short';
    await expect(resealSecrets(db)).rejects.toThrow(/AUTH_SECRET_PREVIOUS: must be at least 32 bytes/);
    const after = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(after.totpSecret).toBe(user.totpSecret);
    process.env.AUTH_SECRET = OLD;
    delete process.env.AUTH_SECRET_PREVIOUS;
    expect(decryptSecret(after.totpSecret!)).toBe('JBSWY3DPEHPK3PXP');
  });
});
