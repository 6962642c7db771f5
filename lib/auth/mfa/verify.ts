import 'server-only';
import { audit } from '@/lib/audit/log';
import { readCode } from '@/lib/auth/codes';
import { consume, reset, reward } from '@/lib/server/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { acceptTotp, decryptSecret, recoveryCodeHashes } from '@/lib/auth/totp';
import { db } from '@/lib/server/db';
import { queueMail } from '@/lib/mail/queue';
import type { RequestMeta } from '@/lib/server/request-meta';
import { countSignIn } from '@/lib/server/metrics';
import {
  clearSecondFactorFailures,
  offerUnlockMail,
  recordSecondFactorFailure,
} from '@/lib/auth/mfa/lockout';
import { SessionEnded, startVerifiedSession, type VerifiedSession } from '@/lib/auth/mfa/elevate';
import { lockUser } from '@/lib/server/db/lock';
import { codeRefused, usedCode } from '@/lib/auth/mfa/refusal';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import { adoptBrowserTimeZone } from '@/lib/time/zone';

/**
 * Success with the new session (lib/auth/mfa/elevate.ts: the caller gives the browser its cookie;
 * never shown), or refused with outcome.sessionEnded (this session ended meanwhile), or a refusal on
 * the code field: invalid with mfa.malformed (not a code at
 * all: a form error, not counted) or mfa.wrong (counted); throttled (over the per-window limit);
 * refused with mfa.locked (too many wrong codes in a row, until the emailed unlock link is used) or
 * profile.mfaOff (no second factor set up: the caller sends the user to set one up).
 */
export type VerifyOutcome = Outcome<{ session: VerifiedSession }>;

/**
 * Verifies a TOTP or recovery code as typed (lib/auth/codes.ts). A right code replaces this
 * half-signed-in session with a verified one under a new token (startVerifiedSession), audited
 * `mfa.verified` with the code's `kind` (`totp` or `recovery`): the row that completes the sign-in,
 * and adopts `browserZone` (the browser's IANA zone the code's form carried, unless
 * the user chose one in the profile: adoptBrowserTimeZone). The password step or the sign-in link
 * before it left the zone to this step (adoptZoneAtSignIn in lib/time/zone.ts); a bad zone changes
 * nothing and does not fail the code.
 */
export async function verifySecondFactor(
  user: CurrentUser,
  typed: string,
  meta: RequestMeta,
  browserZone?: string,
): Promise<VerifyOutcome> {
  const code = readCode(typed);
  if (code.kind === 'malformed') return codeRefused('invalid', 'mfa.malformed');
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!u.totpSecret || !u.totpEnabledAt) return codeRefused('refused', 'profile.mfaOff');
  if (u.totpLockedAt) {
    // The lock's mail and its link may be long gone: a fresh one when none is live.
    await offerUnlockMail(u);
    return codeRefused('refused', 'mfa.locked');
  }
  // Counted before the check: parallel guesses cannot slip past the limit.
  const attempt = await consume('totp', user.id);
  if (attempt.rejected) {
    await audit({ action: 'mfa.throttled', actor: user, detail: { kind: code.kind }, meta });
    countSignIn('totp', 'throttled');
    return codeRefused('throttled', 'mfa.throttled');
  }
  const wrong = async (): Promise<VerifyOutcome> => {
    await audit({ action: 'mfa.failure', actor: user, detail: { kind: code.kind }, meta });
    const { locked } = await recordSecondFactorFailure(user, meta);
    countSignIn('totp', locked || attempt.limited ? 'throttled' : 'failure');
    if (locked) return codeRefused('refused', 'mfa.locked');
    return attempt.limited ? codeRefused('throttled', 'mfa.throttled') : codeRefused('invalid', 'mfa.wrong');
  };
  // A TOTP code's step is spent first (parallel requests with one code cannot both pass), and given
  // back if no session comes of it.
  const accepted =
    code.kind === 'totp' ? await acceptTotp(u.id, decryptSecret(u.totpSecret), code.code) : null;
  if (accepted === 'used') return usedCode(user, meta, 'sign_in');
  const spent = accepted;
  if (code.kind === 'totp' && !spent) return wrong();
  let session: VerifiedSession | 'wrong';
  try {
    // One transaction: a recovery code is spent (audited, and mailed to its holder: it stands in for
    // the phone, so someone who has it and the password is in) only with the session it opens. A
    // database error or an ended session between the two used to burn the code, mail "a recovery code
    // was used to sign in" for a sign-in that never happened, and refuse the same code sent again.
    session = await db.$transaction(async (tx) => {
      if (code.kind === 'recovery') {
        await lockUser(tx, u.id); // the user's row first (docs/architecture.md "Lock order")
        const usedAt = new Date();
        // A recovery code works once: the update only matches an unused row.
        const used = await tx.recoveryCode.updateMany({
          where: { userId: u.id, codeHash: { in: recoveryCodeHashes(code.code) }, usedAt: null },
          data: { usedAt },
        });
        if (used.count !== 1) return 'wrong';
        await audit({ action: 'mfa.recovery_code_used', actor: user, meta }, tx);
        const left = await tx.recoveryCode.count({ where: { userId: u.id, usedAt: null } });
        await queueMail(tx, u.email, 'recovery_code_used', {
          userId: u.id,
          usedAt: usedAt.toISOString(),
          ip: meta.ip ?? null,
          left,
        });
      }
      const started = await startVerifiedSession(tx, user, meta);
      if (!started) throw new SessionEnded(); // rolls the recovery code's use back
      // The sign-in is complete here (the password's or link's `sign_in.success` row said `pending`).
      await audit({ action: 'mfa.verified', actor: user, detail: { kind: code.kind }, meta }, tx);
      return started;
    });
  } catch (e) {
    await spent?.giveBack();
    // Nor is the try counted: the code was not refused (a sign-in's outage is not counted either).
    await reward('totp', user.id).catch(() => undefined);
    if (e instanceof SessionEnded) return fail('refused', 'outcome.sessionEnded');
    throw e;
  }
  if (session === 'wrong') return wrong();
  await reset('totp', user.id);
  await clearSecondFactorFailures(u.id);
  if (browserZone) await adoptBrowserTimeZone(user.id, browserZone);
  countSignIn('totp', 'success');
  return succeed({ session });
}
