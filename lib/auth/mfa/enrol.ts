import 'server-only';
import QRCode from 'qrcode';
import { queueSecurityChange } from '@/lib/mail/queue';
import { audit } from '@/lib/audit/log';
import { reward } from '@/lib/server/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { readCode } from '@/lib/auth/codes';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { encryptSecret, pendingSecretFor, totpFor } from '@/lib/auth/totp';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { storeNewRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { SessionEnded, startVerifiedSession, type VerifiedSession } from '@/lib/auth/mfa/elevate';
import { acceptNewAppCode, codeRefused } from '@/lib/auth/mfa/refusal';
import { checkEnrolmentProof, proofRefusalKey, takeEnrolmentProof } from '@/lib/auth/mfa/enrol-proof';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';

/**
 * The secret this session is offered (pendingSecretFor: derived from the user and this session, so
 * no other session of the user sees it, and nothing is stored before the enrolment is confirmed), as
 * a QR code and as text for manual entry. The same for a move to a new phone (lib/auth/mfa/move.ts):
 * the session that passed the factor with the old secret is a newer one (startVerifiedSession), so
 * it is never offered the secret in force.
 */
export async function pendingEnrolment(user: CurrentUser): Promise<{ qrDataUrl: string; secret: string }> {
  const secret = pendingSecretFor(user.id, user.sessionId);
  const uri = totpFor(secret, user.email).toString();
  return { qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }), secret };
}

/**
 * Confirms enrolment with a first code of this session's pending secret (as typed: "492 817" is fine;
 * lib/auth/codes.ts) and the code mailed to the login for this session (`mailed`;
 * lib/auth/mfa/enrol-proof.ts), checked first: a refused mailed code (on the `mailCode` field:
 * malformed, none sent, expired, spent, wrong; code invalid) leaves the authenticator's time step
 * unspent and counts no authenticator try. Stores the secret sealed, replaces this session with a verified one under a new
 * token (lib/auth/mfa/elevate.ts; `session` is for the caller to set the cookie, never to show) and
 * returns the recovery codes, shown once and stored as keyed hashes. Happens once: of two
 * confirmations at the same moment (two tabs, a double submit, each with a valid code) the second is
 * refused with outcome.mfa.enrolledElsewhere (conflict), so the codes a user is shown are the ones
 * that work. A second-factor change revokes the user's outstanding sign-in links; success says
 * outcome.mfa.enrolled. Refusals (on the code field): invalid (not a 6-digit code: not counted; or a
 * wrong one), throttled (too many wrong codes this window); refused with outcome.sessionEnded.
 */
export async function confirmEnrolment(
  user: CurrentUser,
  typed: string,
  mailed: string | undefined,
  meta: RequestMeta,
): Promise<Outcome<{ recoveryCodes: string[]; session: VerifiedSession }>> {
  const code = readCode(typed);
  if (code.kind !== 'totp') return codeRefused('invalid', 'outcome.mfa.enrolMalformed');
  // Already on (another tab confirmed first, and its new session gave this browser a new pending
  // secret): said as such, not as a wrong code, and no attempt is counted (review 11b).
  const on = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpEnabledAt: true } });
  if (on.totpEnabledAt) return codeRefused('conflict', 'outcome.mfa.enrolledElsewhere');
  const proof = await checkEnrolmentProof(user, mailed);
  if (!proof.ok) {
    // The code went with an enrolment another tab finished meanwhile: said as such.
    const now = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpEnabledAt: true } });
    if (now.totpEnabledAt) return codeRefused('conflict', 'outcome.mfa.enrolledElsewhere');
    if (proof.why === 'wrong' || proof.why === 'spent')
      await audit({ action: 'mfa.failure', actor: user, detail: { kind: 'email', for: 'enrolment' }, meta });
    const key = proofRefusalKey(proof.why);
    return fail('invalid', key, undefined, { mailCode: [{ key }] });
  }
  const secret = pendingSecretFor(user.id, user.sessionId);
  const accepted = await acceptNewAppCode(user, meta, secret, code.code, 'enrolment');
  if ('refused' in accepted) return accepted.refused;
  const { spent } = accepted;
  try {
    const done = await db.$transaction(async (tx) => {
      // Conditional: the second of two confirmations finds the factor on (on PostgreSQL it waits for
      // the first's row lock, then matches nothing) and changes nothing.
      const { count } = await tx.user.updateMany({
        where: { id: user.id, totpEnabledAt: null },
        data: {
          totpSecret: encryptSecret(secret),
          totpEnabledAt: new Date(),
          totpFailures: 0,
          totpLockedAt: null,
        },
      });
      if (count !== 1) return null;
      await takeEnrolmentProof(tx, user.sessionId);
      const recoveryCodes = await storeNewRecoveryCodes(tx, user.id);
      const session = await startVerifiedSession(tx, user, meta);
      if (!session) throw new SessionEnded();
      const linksRevoked = await revokeSignInLinks(tx, user.email);
      await audit({ action: 'mfa.enrolled', actor: user, detail: { linksRevoked }, meta }, tx);
      // Its owner hears of it (someone in a session of theirs could lock them out this way).
      await queueSecurityChange(tx, user, 'mfa_enrolled', meta.ip);
      return { recoveryCodes, session };
    });
    if (!done) return codeRefused('conflict', 'outcome.mfa.enrolledElsewhere');
    return succeed(done, { key: 'outcome.mfa.enrolled' });
  } catch (e) {
    // Nothing was stored: the code's step is given back, so the same code sent again is no wrong one.
    await spent.giveBack();
    // Nor is the try counted: the code was not refused (a sign-in's outage is not counted either).
    await reward('totp', user.id).catch(() => undefined);
    if (e instanceof SessionEnded) return fail('refused', 'outcome.sessionEnded');
    throw e;
  }
}
