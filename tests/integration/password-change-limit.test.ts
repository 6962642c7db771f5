import { beforeAll, describe, expect, it } from 'vitest';
import { changePortalPassword } from '@/lib/auth/change-password';
import { hashPassword, verifyPassword } from '@/lib/auth/password';
import type { CurrentUser } from '@/lib/auth/session';
import { getDb } from '@/lib/server/db';
import { LIMITS } from '@/lib/server/rate-limit';
import { rendered, session } from '@/tests/helpers/action-edge';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, makeSession } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// The portal password change checks the current password (argon2id) only within the user's
// `passwordChange` limit: a stolen session cannot guess the current password online without bound.
// Through the real action wrapper, so the refusal is read in the user's language.

const { changePasswordAction } = await import('@/lib/auth/actions');

const CURRENT = 'current-horse-battery-9';
const STRONG = 'granite violet harbour lantern 7731';
/** Wrong current passwords allowed per user and 15 minutes (docs/sip-passwords.md). */
const points = 5;

describe.each(dialects())('the portal password change under its limit on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('is the documented limit', () => {
    expect(LIMITS).toHaveProperty('passwordChange', { points, duration: 15 * 60, blockDuration: 15 * 60 });
  });

  async function signedIn(locale: 'en' | 'es'): Promise<CurrentUser> {
    const db = getDb();
    const u = await db.user.create({
      data: { email: uniqueEmail('cp'), role: 'customer', locale, passwordHash: await hashPassword(CURRENT) },
    });
    const s = await makeSession(u.id);
    return asUser(u, { sessionId: s.id });
  }
  const post = (current: string, next = STRONG) =>
    changePasswordAction(undefined, rendered({ current, next }));

  it(`answers ${points} wrong guesses, then refuses even the right password, says when to retry, and audits it`, async () => {
    session.user = await signedIn('en');
    const id = session.user.id;
    for (let i = 0; i < points; i++)
      expect(await post(`guess-${i}`)).toMatchObject({
        ok: false,
        message: 'The current password is not correct.',
      });
    expect(await post(CURRENT)).toMatchObject({
      ok: false,
      message: 'Too many wrong current passwords. For your security, try again in 15 minutes.',
    });
    const db = getDb();
    const u = await db.user.findUniqueOrThrow({ where: { id } });
    expect(await verifyPassword(u.passwordHash, CURRENT)).toBe(true);
    expect(await db.auditLog.count({ where: { actorId: id, action: 'password.change_failed' } })).toBe(
      points,
    );
    const throttled = await db.auditLog.findMany({
      where: { actorId: id, action: 'password.change_throttled' },
    });
    expect(throttled).toHaveLength(1);
    expect(JSON.parse(throttled[0].detail!)).toEqual({ by: 'passwordChange' });
    expect(throttled[0].ip).toBe('192.0.2.80');
  });

  it('tells a Spanish reader in Spanish', async () => {
    session.user = await signedIn('es');
    for (let i = 0; i < points; i++) await post(`guess-${i}`);
    expect(await post(CURRENT)).toMatchObject({
      ok: false,
      message:
        'Demasiadas contraseñas actuales incorrectas. Por su seguridad, vuelva a intentarlo dentro de 15 minutos.',
    });
  });

  it('counts only wrong current passwords: retries with a weak new password are not guesses', async () => {
    const user = await signedIn('en');
    const meta = { ip: '192.0.2.44', userAgent: 'vitest' };
    for (let i = 0; i < points + 2; i++)
      expect(await changePortalPassword(user, CURRENT, 'password123', meta)).toMatchObject({
        code: 'invalid',
        note: { key: 'outcome.password.weak' },
      });
    expect(await changePortalPassword(user, CURRENT, STRONG, meta)).toMatchObject({ ok: true });
  });

  it('two tabs changing the password at once: the second is told its current password changed, once audited', async () => {
    const user = await signedIn('en');
    const meta = { ip: '192.0.2.45', userAgent: 'vitest' };
    const [a, b] = ['tab one granite violet harbour 7731', 'tab two lantern meadow copper 4410'];
    const answers = await Promise.all([
      changePortalPassword(user, CURRENT, a, meta),
      changePortalPassword(user, CURRENT, b, meta),
    ]);
    expect(answers.filter((x) => x.ok)).toHaveLength(1);
    expect(answers.filter((x) => !x.ok)).toEqual([
      {
        ok: false,
        code: 'conflict',
        note: { key: 'outcome.auth.currentChanged' },
        fieldErrors: { current: [{ key: 'outcome.auth.currentChanged' }] },
      },
    ]);
    const kept = answers[0]!.ok ? a : b;
    const db = getDb();
    const { passwordHash } = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(await verifyPassword(passwordHash, kept)).toBe(true);
    expect(await db.auditLog.count({ where: { actorId: user.id, action: 'password.changed' } })).toBe(1);
  });

  it('a burst of parallel guesses gets no more than the limit checked', async () => {
    const user = await signedIn('en');
    const meta = { ip: '192.0.2.44', userAgent: 'vitest' };
    const answers = await Promise.all(
      Array.from({ length: points * 3 }, (_, i) => changePortalPassword(user, `guess-${i}`, STRONG, meta)),
    );
    expect(answers.filter((a) => !a.ok && a.code === 'invalid')).toHaveLength(points);
    expect(answers.filter((a) => !a.ok && a.code === 'throttled')).toHaveLength(points * 2);
  });
});
