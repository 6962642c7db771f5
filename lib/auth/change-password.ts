import 'server-only';
import { queueSecurityChange } from '@/lib/mail/queue';
import { audit } from '@/lib/audit/log';
import { hashPassword, normalizedPassword, verifyPassword } from '@/lib/auth/password';
import { checkEnrolmentProof, proofRefusalKey, takeEnrolmentProof } from '@/lib/auth/mfa/enrol-proof';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import type { CurrentUser } from '@/lib/auth/session';
import { env } from '@/lib/server/env';
import { consume, reward } from '@/lib/server/rate-limit';
import { db } from '@/lib/server/db';
import { lockUser } from '@/lib/server/db/lock';
import type { RequestMeta } from '@/lib/server/request-meta';
import { acceptedOrRefused, checkPassword } from '@/lib/passwords/check';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import { recordReceipt, type Once } from '@/lib/server/idempotency';

/**
 * Success carries profile.changed. Refusals, as the SIP password reset words them (lib/credentials/reset.ts):
 * `invalid` when the current password is wrong (on `current`) or the new one is too weak or too long
 * (outcome.password.weak, each reason on `next`); `throttled` when the checker is over its limit or timed
 * out, or when the user has given too many wrong current passwords (outcome.auth.changeThrottled, with
 * the wait in whole `minutes`); `conflict` with outcome.auth.currentChanged (also on `current`) when the
 * password was changed elsewhere (another tab) after this request checked `current`: nothing changed.
 */
export type ChangeResult = Outcome;

/**
 * Portal password change: the current password required, the same estimator as SIP passwords;
 * other sessions and every outstanding sign-in link end. Each attempt spends a point of the user's `passwordChange`
 * limit (lib/server/rate-limit.ts) BEFORE the current password is checked, so a stolen session cannot
 * guess it online without bound (parallel guesses included); a right current password gives it back.
 * Over the limit nothing is checked or changed, and the refusal is audited (`password.change_throttled`).
 * `once` (the form's idempotency key) is recorded with the change: a resend of the same form is told
 * `outcome.again.portalPassword` (lib/server/safe-action.ts), not "current password wrong".
 * A login with no password (support removed it as they enabled the login again:
 * lib/staff/customer-logins.ts enableCustomerLogin) gives no current password but the code mailed to
 * it (`form.mailCode`, lib/auth/mfa/enrol-proof.ts purpose `password`, refused on that field as the
 * two-factor set-up refuses it); the choice is audited with `chosen`. `form.choosing` says the form
 * was made for that: sent once a password exists it is refused `conflict` outcome.auth.currentChanged;
 * a change form sent once the password was removed, `conflict` outcome.auth.passwordRemoved.
 */
export async function changePortalPassword(
  user: CurrentUser,
  current: string,
  next: string,
  meta: RequestMeta,
  once?: Once,
  form: { choosing?: boolean; mailCode?: string } = {},
): Promise<ChangeResult> {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  // A login without a password (support removed it as they enabled the login again) chooses one with
  // no current password, but with a code mailed to the login (lib/auth/mfa/enrol-proof.ts): this
  // session came from an emailed link, and whoever holds such a session (a forwarded link, a browser
  // left open) must not make it theirs for good by choosing the password.
  const choosing = u.passwordHash === null;
  // A form rendered to choose one, sent after a password was set (another tab, a second press):
  // nothing changes, and the reader is asked for the password they now have.
  if (form.choosing && !choosing) {
    const stale = { key: 'outcome.auth.currentChanged' };
    return fail('conflict', stale.key, undefined, { current: [stale] });
  }
  // The other way round: a change form, sent after support removed the password.
  if (!form.choosing && choosing) return fail('conflict', 'outcome.auth.passwordRemoved');
  // Both empty fields are told at once (the schema cannot tell whether `current` is needed).
  const empty = {
    ...(!choosing && !current ? { current: [{ key: 'outcome.field.currentPassword' }] } : {}),
    ...(!next ? { next: [{ key: 'outcome.field.newPassword' }] } : {}),
    ...(choosing && !form.mailCode?.trim() ? { mailCode: [{ key: 'outcome.field.mailCode' }] } : {}),
  };
  if (Object.keys(empty).length) return fail('invalid', 'outcome.correctFields', undefined, empty);
  if (choosing) {
    const proof = await checkEnrolmentProof(user, form.mailCode, 'password');
    if (!proof.ok) {
      // As the two-factor set-up audits its mailed code (lib/auth/mfa/enrol.ts): guessing is seen.
      if (proof.why === 'wrong' || proof.why === 'spent')
        await audit({ action: 'mfa.failure', actor: user, detail: { kind: 'email', for: 'password' }, meta });
      const key = proofRefusalKey(proof.why);
      return fail('invalid', key, undefined, { mailCode: [{ key }] });
    }
  }
  // An empty form guesses nothing: the limit is spent only by a check of the current password.
  const limit = await consume('passwordChange', user.id);
  if (limit.limited && limit.rejected) {
    await audit({ action: 'password.change_throttled', actor: user, detail: { by: 'passwordChange' }, meta });
    const minutes = Math.max(1, Math.ceil(limit.retryAfterSec / 60));
    return fail('throttled', 'outcome.auth.changeThrottled', { minutes });
  }
  if (!choosing && !(await verifyPassword(u.passwordHash, current))) {
    await audit({ action: 'password.change_failed', actor: user, meta });
    const wrong = { key: 'outcome.auth.currentWrong' };
    return fail('invalid', wrong.key, undefined, { current: [wrong] });
  }
  // Only wrong current passwords count: a user retrying a too-weak new password is not guessing.
  await reward('passwordChange', user.id);
  // Judged as it is stored (normalizedPassword): the strength of one string, the hash of another
  // would let a weak password pass as a strong one.
  const chosen = normalizedPassword(next);
  const checked = await checkPassword(
    chosen,
    { userInputs: [u.email, u.name ?? ''], minScore: env().PASSWORD_MIN_SCORE },
    { userId: u.id, ip: meta.ip },
  );
  const judged = acceptedOrRefused(checked, 'next');
  if (!judged.ok) return judged.refused;
  const passwordHash = await hashPassword(chosen);
  const changed = await db.$transaction(async (tx) => {
    // Under the user row's lock (taken first: docs/architecture.md "Lock order"), the hash must still
    // be the one `current` was checked against: a change in another tab that committed first (this one
    // waited for its lock) made `current` stale, and this one changes nothing.
    await lockUser(tx, u.id);
    const now = await tx.user.findUniqueOrThrow({ where: { id: u.id }, select: { passwordHash: true } });
    if (now.passwordHash !== u.passwordHash) return false;
    await tx.user.update({ where: { id: u.id }, data: { passwordHash } });
    // The mailed code proved one change.
    if (choosing) await takeEnrolmentProof(tx, user.sessionId);
    const { count } = await tx.session.deleteMany({ where: { userId: u.id, id: { not: user.sessionId } } });
    const linksRevoked = await revokeSignInLinks(tx, u.email);
    await audit(
      {
        action: 'password.changed',
        actor: user,
        detail: { otherSessionsEnded: count, linksRevoked, ...(choosing ? { chosen: true } : {}) },
        meta,
      },
      tx,
    );
    await queueSecurityChange(tx, u, 'password_changed', meta.ip);
    await recordReceipt(tx, once, { key: 'outcome.again.portalPassword' });
    return true;
  });
  if (!changed) {
    const stale = { key: 'outcome.auth.currentChanged' };
    return fail('conflict', stale.key, undefined, { current: [stale] });
  }
  return succeed(undefined, { key: 'profile.changed' });
}

/** Whether the login `userId` has a portal password (false once support removed it): the profile asks for the current one only then. */
export async function hasPortalPassword(userId: string): Promise<boolean> {
  const u = await db.user.findUnique({ where: { id: userId }, select: { passwordHash: true } });
  return Boolean(u?.passwordHash);
}
