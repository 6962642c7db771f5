import 'server-only';
import { audit } from '@/lib/audit/log';
import { reset } from '@/lib/server/rate-limit';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { queueMail } from '@/lib/mail/queue';
import { unlockIdentifier } from '@/lib/mail/link-token';
import { LOCK_MAILS_PER_HOUR } from '@/lib/auth/revoke';

// Wrong second-factor codes add up across rate-limit windows. The per-window limit (5 per 5 minutes,
// lib/server/rate-limit.ts) slows guessing down; this stops it: after TOTP_LOCK_AFTER wrong codes
// without a right one, the second factor is locked — no code is even checked — and the user is told by
// email. The email's link (single use, 24 h) proves the person holds the mailbox; using it lifts the
// lock and signs them in to enter a code again (lib/auth/link-sign-in.ts). A 6-digit code has 10^6
// values, so an attacker holding the password gets at most 20 tries per email round-trip.

export const TOTP_LOCK_AFTER = 20;

type Who = { id: string; email: string };

/** Counts one wrong code; locks (once, with the email and an audit row) when the count reaches the limit. */
export async function recordSecondFactorFailure(
  user: Who,
  meta: RequestMeta,
): Promise<{ locked: boolean; failures: number }> {
  return db.$transaction(async (tx) => {
    const u = await tx.user.update({
      where: { id: user.id },
      data: { totpFailures: { increment: 1 } },
      select: { totpFailures: true, totpLockedAt: true },
    });
    if (u.totpLockedAt) return { locked: true, failures: u.totpFailures };
    if (u.totpFailures < TOTP_LOCK_AFTER) return { locked: false, failures: u.totpFailures };
    const set = await tx.user.updateMany({
      where: { id: user.id, totpLockedAt: null },
      data: { totpLockedAt: new Date() },
    });
    if (set.count === 1) {
      await queueMail(tx, user.email, 'mfa_locked', { userId: user.id });
      await audit({ action: 'mfa.locked', actor: user, detail: { failures: u.totpFailures }, meta }, tx);
    }
    return { locked: true, failures: u.totpFailures };
  });
}

/**
 * A code (or recovery code) was typed while the second factor is locked: queues a fresh unlock mail
 * (`mfa_locked`) when none is on its way (a message still pending) and no unlock link is live, at
 * most LOCK_MAILS_PER_HOUR an hour as a revocation's (lib/auth/revoke.ts). Returns true when one is
 * on its way after the call. The lock has no end of its own and its link lives 24 h: before this, an
 * owner who missed that mail (away for a day, or in spam) was told "a link is on its way" at every
 * try and never got one (review, session 33); someone with only the password gets no more than the
 * owner's mailbox already holds.
 */
export async function offerUnlockMail(user: Who): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const now = new Date();
    const live = await tx.verificationToken.count({
      where: { identifier: unlockIdentifier(user.email), expires: { gt: now } },
    });
    const queued = await tx.mailMessage.count({
      where: { to: user.email, template: 'mfa_locked', status: 'pending' },
    });
    if (live > 0 || queued > 0) return true;
    const recent = await tx.mailMessage.count({
      where: {
        to: user.email,
        template: 'mfa_locked',
        createdAt: { gt: new Date(now.getTime() - 3600_000) },
      },
    });
    if (recent >= LOCK_MAILS_PER_HOUR) return false;
    await queueMail(tx, user.email, 'mfa_locked', { userId: user.id });
    return true;
  });
}

/** A right code: the count starts again. */
export async function clearSecondFactorFailures(userId: string): Promise<void> {
  await db.user.updateMany({ where: { id: userId, totpFailures: { gt: 0 } }, data: { totpFailures: 0 } });
}

/**
 * After a second factor was reset (the admin's Reset two-factor, the operator's reset-second-factor):
 * the login's code limits start afresh, the per-window one for codes typed (`totp`) and the enrolment
 * code's per hour and per day (`enrolProof`, `enrolProofDay`), so that codes typed from the lost
 * factor, or mailed while it was lost, do not hold back enrolling the new one for minutes or a day
 * while support is still on the phone (break-29).
 */
export async function freshSecondFactorLimits(userId: string): Promise<void> {
  await reset('totp', userId);
  await reset('enrolProof', userId);
  await reset('enrolProofDay', userId);
}

/** The emailed unlock link was used: the lock and the count go, and the per-window limit starts afresh. */
export async function unlockSecondFactor(user: Who, meta: RequestMeta): Promise<void> {
  await db.$transaction(async (tx) => {
    const r = await tx.user.updateMany({
      where: { id: user.id, totpLockedAt: { not: null } },
      data: { totpLockedAt: null, totpFailures: 0 },
    });
    if (r.count === 1) await audit({ action: 'mfa.unlocked', actor: user, meta }, tx);
  });
  // Also when nothing was locked any more: an unlock link put back after its sign-in failed
  // (lib/auth/link-sign-in.ts) may have unlocked before a reset that did not happen. A delete.
  await reset('totp', user.id);
}
