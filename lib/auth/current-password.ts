import 'server-only';
import { audit } from '@/lib/audit/log';
import type { AuditAction } from '@/lib/audit/names';
import { verifyPassword } from '@/lib/auth/password';
import type { CurrentUser } from '@/lib/auth/session';
import { fail, type Outcome } from '@/lib/server/outcome';
import { consume, reward } from '@/lib/server/rate-limit';
import type { RequestMeta } from '@/lib/server/request-meta';

/**
 * Checks `current` against the login's password hash (`hash`) for a change that needs it (the
 * password change; turning on two-factor authentication: lib/auth/mfa/enrol.ts). Each check spends a
 * point of the user's `passwordChange` limit (lib/server/rate-limit.ts) BEFORE the password is
 * checked, so a stolen session cannot guess it online without bound (parallel guesses included); a
 * right password gives it back, since only wrong ones count. Returns null when it is right; else the
 * refusal, audited as `audited.failed` or `audited.throttled` (with their detail): `invalid` with
 * outcome.auth.currentWrong on the `current` field, or `throttled` with outcome.auth.changeThrottled
 * and the wait in whole `minutes` (nothing is checked then).
 */
export async function confirmCurrentPassword(
  user: CurrentUser,
  hash: string | null,
  current: string,
  meta: RequestMeta,
  audited: {
    failed: { action: AuditAction; detail?: Record<string, unknown> };
    throttled: { action: AuditAction; detail?: Record<string, unknown> };
  },
): Promise<Outcome<never> | null> {
  const limit = await consume('passwordChange', user.id);
  if (limit.limited && limit.rejected) {
    await audit({ ...audited.throttled, actor: user, meta });
    const minutes = Math.max(1, Math.ceil(limit.retryAfterSec / 60));
    return fail('throttled', 'outcome.auth.changeThrottled', { minutes });
  }
  if (!(await verifyPassword(hash, current))) {
    await audit({ ...audited.failed, actor: user, meta });
    const wrong = { key: 'outcome.auth.currentWrong' };
    return fail('invalid', wrong.key, undefined, { current: [wrong] });
  }
  await reward('passwordChange', user.id);
  return null;
}
