import 'server-only';
import { queueSecurityChange } from '@/lib/mail/queue';
import { audit } from '@/lib/audit/log';
import { readCode } from '@/lib/auth/codes';
import { consume, reset, reward } from '@/lib/server/rate-limit';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import type { CurrentUser } from '@/lib/auth/session';
import { acceptTotp, decryptSecret, hashRecoveryCode, newRecoveryCodes } from '@/lib/auth/totp';
import { db, type Tx } from '@/lib/server/db';
import { lockUser } from '@/lib/server/db/lock';
import type { RequestMeta } from '@/lib/server/request-meta';
import { clearSecondFactorFailures, recordSecondFactorFailure } from '@/lib/auth/mfa/lockout';
import { codeRefused, usedCode } from '@/lib/auth/mfa/refusal';
import { succeed, type Outcome } from '@/lib/server/outcome';

/**
 * Replaces a user's recovery codes inside `tx`: the old ones stop working, 10 new ones (80 bits each,
 * lib/auth/totp.ts) are stored as keyed hashes. Returns them for display, once.
 */
export async function storeNewRecoveryCodes(tx: Tx, userId: string): Promise<string[]> {
  const codes = newRecoveryCodes();
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.recoveryCode.createMany({
    data: codes.map((c) => {
      const read = readCode(c);
      if (read.kind !== 'recovery') throw new Error('a generated recovery code does not read back');
      return { userId, codeHash: hashRecoveryCode(read.code) };
    }),
  });
  return codes;
}

/**
 * The new codes (note profile.recoveryReplaced), or a refusal on the code field: invalid (not a 6-digit
 * code, or a wrong one), throttled, refused (second factor locked, or not set up), conflict
 * (profile.recoveryReplacedElsewhere: another request replaced them first).
 */
export type ReplaceOutcome = Outcome<{ recoveryCodes: string[] }>;

/**
 * "New recovery codes" on the profile page, confirmed with a current TOTP code (a recovery code cannot
 * mint new ones). Wrong codes count like any other (limit per window, lock after 20). A second-factor
 * change: outstanding sign-in links are revoked, and it is audited. Happens once per set: of two
 * requests at the same moment (two tabs, each with a valid code) that both read the same codes, the
 * second is refused, so the ten codes a user is shown are exactly the ten that work (on PostgreSQL,
 * READ COMMITTED, each would otherwise have kept its own ten: twenty live codes).
 */
export async function replaceRecoveryCodes(
  user: CurrentUser,
  typed: string,
  meta: RequestMeta,
): Promise<ReplaceOutcome> {
  const code = readCode(typed);
  if (code.kind !== 'totp') return codeRefused('invalid', 'mfa.malformedTotp');
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!u.totpSecret || !u.totpEnabledAt) return codeRefused('refused', 'profile.mfaOff');
  if (u.totpLockedAt) return codeRefused('refused', 'mfa.locked');
  // The set this request replaces, read before the code is checked (see the transaction below).
  const replacing = await codeIds(db, u.id);
  const attempt = await consume('totp', user.id);
  if (attempt.rejected) {
    await audit({
      action: 'mfa.throttled',
      actor: user,
      detail: { kind: 'totp', for: 'recovery_codes' },
      meta,
    });
    return codeRefused('throttled', 'mfa.throttled');
  }
  const spent = await acceptTotp(u.id, decryptSecret(u.totpSecret), code.code);
  if (spent === 'used') return usedCode(user, meta, 'recovery_codes');
  if (!spent) {
    await audit({
      action: 'mfa.failure',
      actor: user,
      detail: { kind: 'totp', for: 'recovery_codes' },
      meta,
    });
    const { locked } = await recordSecondFactorFailure(user, meta);
    if (locked) return codeRefused('refused', 'mfa.locked');
    return attempt.limited ? codeRefused('throttled', 'mfa.throttled') : codeRefused('invalid', 'mfa.wrong');
  }
  await reset('totp', user.id);
  await clearSecondFactorFailures(u.id);
  // A database error leaves the old codes in force: the code's step is given back, so the same code
  // sent again is no wrong one.
  const recoveryCodes = await db
    .$transaction(async (tx) => {
      // Under the user row's lock, the set must still be the one read above: a concurrent replacement
      // that committed first (this one waited for its lock) made it another, and this one stands down.
      await lockUser(tx, u.id);
      if ((await codeIds(tx, u.id)) !== replacing) return null;
      const codes = await storeNewRecoveryCodes(tx, u.id);
      const linksRevoked = await revokeSignInLinks(tx, u.email);
      await audit({ action: 'mfa.recovery_codes_replaced', actor: user, detail: { linksRevoked }, meta }, tx);
      await queueSecurityChange(tx, u, 'recovery_codes_replaced', meta.ip);
      return codes;
    })
    .catch(async (e: unknown) => {
      await spent.giveBack();
      // Nor is the try counted: the code was not refused (a sign-in's outage is not counted either).
      await reward('totp', user.id).catch(() => undefined);
      throw e;
    });
  if (!recoveryCodes) return codeRefused('conflict', 'profile.recoveryReplacedElsewhere');
  return succeed({ recoveryCodes }, { key: 'profile.recoveryReplaced' });
}

/** At or below this many unused recovery codes, the profile page says it in red. */
export const RECOVERY_FEW = 2;

/**
 * How many of the user's recovery codes still work (not used yet). The profile page says it, so a
 * user who signed in with some of them knows when to make new ones before the last is gone (break-29:
 * nothing said it, and a user with none left found out only when the phone was lost).
 */
export async function unusedRecoveryCodes(userId: string): Promise<number> {
  return db.recoveryCode.count({ where: { userId, usedAt: null } });
}

/** The ids of a user's recovery-code rows (used or not), in one string: which set they hold now. */
async function codeIds(client: Tx, userId: string): Promise<string> {
  const rows = await client.recoveryCode.findMany({
    where: { userId },
    select: { id: true },
    orderBy: { id: 'asc' },
  });
  return rows.map((r) => r.id).join(',');
}
