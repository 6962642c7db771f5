import 'server-only';
import { audit } from '@/lib/audit/log';
import { consume, reset } from '@/lib/auth/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { acceptTotp, decryptSecret, hashRecoveryCode } from '@/lib/auth/totp';
import { db } from '@/lib/db';
import type { RequestMeta } from '@/lib/http/request-meta';
import { countSignIn } from '@/lib/server/metrics';

export type VerifyOutcome = 'ok' | 'wrong' | 'throttled' | 'not_enrolled';

/** Verifies a TOTP or recovery code and marks this session as second-factor verified. */
export async function verifySecondFactor(user: CurrentUser, code: string, meta: RequestMeta): Promise<VerifyOutcome> {
  // Counted before the check: parallel guesses cannot slip past the limit.
  const attempt = await consume('totp', user.id);
  if (attempt.rejected) {
    countSignIn('totp', 'throttled');
    return 'throttled';
  }
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!u.totpSecret || !u.totpEnabledAt) return 'not_enrolled';
  const clean = code.trim();
  let ok = await acceptTotp(u.id, decryptSecret(u.totpSecret), clean);
  if (!ok && /^[0-9a-f]{5}-?[0-9a-f]{5}$/i.test(clean)) {
    // A recovery code works once: the update only matches an unused row.
    const used = await db.recoveryCode.updateMany({ where: { userId: u.id, codeHash: hashRecoveryCode(clean), usedAt: null }, data: { usedAt: new Date() } });
    ok = used.count === 1;
    if (ok) await audit({ action: 'mfa.recovery_code_used', actor: user, meta });
  }
  if (!ok) {
    await audit({ action: 'mfa.failure', actor: user, meta });
    countSignIn('totp', attempt.limited ? 'throttled' : 'failure');
    return attempt.limited ? 'throttled' : 'wrong';
  }
  await reset('totp', user.id);
  await db.session.update({ where: { id: user.sessionId }, data: { mfaVerifiedAt: new Date() } });
  await audit({ action: 'mfa.verified', actor: user, meta });
  countSignIn('totp', 'success');
  return 'ok';
}
