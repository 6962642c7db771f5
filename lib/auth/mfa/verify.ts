import 'server-only';
import { audit } from '@/lib/audit/log';
import { readCode } from '@/lib/auth/codes';
import { consume, reset } from '@/lib/server/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { acceptTotp, decryptSecret, hashRecoveryCode } from '@/lib/auth/totp';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { countSignIn } from '@/lib/server/metrics';
import { clearSecondFactorFailures, recordSecondFactorFailure } from '@/lib/auth/mfa/lockout';

/**
 * malformed: not a code at all (a form error, not counted); wrong: counted; throttled: over the
 * per-window limit; locked: too many wrong codes in a row, until the emailed unlock link is used.
 */
export type VerifyOutcome = 'ok' | 'wrong' | 'throttled' | 'locked' | 'malformed' | 'not_enrolled';

/** Verifies a TOTP or recovery code as typed (lib/auth/codes.ts) and marks this session as second-factor verified. */
export async function verifySecondFactor(
  user: CurrentUser,
  typed: string,
  meta: RequestMeta,
): Promise<VerifyOutcome> {
  const code = readCode(typed);
  if (code.kind === 'malformed') return 'malformed';
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!u.totpSecret || !u.totpEnabledAt) return 'not_enrolled';
  if (u.totpLockedAt) return 'locked';
  // Counted before the check: parallel guesses cannot slip past the limit.
  const attempt = await consume('totp', user.id);
  if (attempt.rejected) {
    countSignIn('totp', 'throttled');
    return 'throttled';
  }
  let ok: boolean;
  if (code.kind === 'totp') {
    ok = await acceptTotp(u.id, decryptSecret(u.totpSecret), code.code);
  } else {
    // A recovery code works once: the update only matches an unused row.
    const used = await db.recoveryCode.updateMany({
      where: { userId: u.id, codeHash: hashRecoveryCode(code.code), usedAt: null },
      data: { usedAt: new Date() },
    });
    ok = used.count === 1;
    if (ok) await audit({ action: 'mfa.recovery_code_used', actor: user, meta });
  }
  if (!ok) {
    await audit({ action: 'mfa.failure', actor: user, detail: { kind: code.kind }, meta });
    const { locked } = await recordSecondFactorFailure(user, meta);
    countSignIn('totp', locked || attempt.limited ? 'throttled' : 'failure');
    return locked ? 'locked' : attempt.limited ? 'throttled' : 'wrong';
  }
  await reset('totp', user.id);
  await clearSecondFactorFailures(u.id);
  await db.session.update({ where: { id: user.sessionId }, data: { mfaVerifiedAt: new Date() } });
  await audit({ action: 'mfa.verified', actor: user, meta });
  countSignIn('totp', 'success');
  return 'ok';
}
