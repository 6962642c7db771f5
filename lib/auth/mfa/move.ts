import 'server-only';
import { queueSecurityChange } from '@/lib/mail/queue';
import { audit } from '@/lib/audit/log';
import { readCode } from '@/lib/auth/codes';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import type { CurrentUser } from '@/lib/auth/session';
import { decryptSecret, encryptSecret, pendingSecretFor } from '@/lib/auth/totp';
import { db } from '@/lib/server/db';
import { lockUser } from '@/lib/server/db/lock';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import { reward } from '@/lib/server/rate-limit';
import { mac, macs, sameMac } from '@/lib/server/seal';
import type { RequestMeta } from '@/lib/server/request-meta';
import { SessionEnded, startVerifiedSession, type VerifiedSession } from '@/lib/auth/mfa/elevate';
import { pendingEnrolment } from '@/lib/auth/mfa/enrol';
import { checkEnrolmentProof, proofRefusalKey, takeEnrolmentProof } from '@/lib/auth/mfa/enrol-proof';
import { storeNewRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { acceptNewAppCode, codeRefused } from '@/lib/auth/mfa/refusal';

// "Move to a new phone": the way back for someone whose authenticator phone is lost or replaced.
// Before it, the recovery-code mail told them to set the app up again, which the portal refused while
// the factor was on, and "New recovery codes" asks for the lost app's code: they spent a recovery code
// at every sign-in until the tenth locked them out. A session that passed the second factor in this
// sign-in (an authenticator code or a recovery code) sets the app up on the new phone with the same
// proof a first set-up takes: the code mailed to the login (lib/auth/mfa/enrol-proof.ts, an `enrol`
// code) beside the new app's first code. A recovery code alone is not enough: it may have been read
// off the owner's sheet, and whoever holds it and the password would then hold a factor of their own.

/**
 * What the move page's form sends back (field `shown`) to name the secret its QR code shows: an HMAC
 * of that secret under AUTH_SECRET (never the secret, though the same page shows it), 64 hex
 * characters. Two tabs of one browser show the same QR code; once one of them moves the factor, its
 * session is a new one (startVerifiedSession) with a new pending secret, and the other tab's page,
 * whose QR code is now the secret in force, is out of date: its form must be told so, not checked
 * against the new session's secret ("That code is not correct. Scan the QR code again", beside a QR
 * code that would scan the secret in force).
 */
const shownStamp = (secret: string) => mac(`move-shown\0${secret}`, 'totp-pending-v1');

/** Whether `shown` names `secret` (under AUTH_SECRET, or AUTH_SECRET_PREVIOUS during a rotation). */
const names = (shown: string, secret: string) =>
  macs(`move-shown\0${secret}`, 'totp-pending-v1').some((m) => sameMac(m, shown));

/** The page the form was sent from is out of date: `key` on the `shown` field (MoveOutcome). */
const stale = (key: 'outcome.mfa.movedElsewhere' | 'outcome.mfa.moveStale') =>
  fail<never>('conflict', key, undefined, { shown: [{ key }] });

/**
 * The move page's steps for this session: its pending secret (pendingSecretFor, shown as the set-up's
 * pendingEnrolment shows it) as a QR code (a data: URL) and as base32 text for manual entry, and
 * `shown`, the value the form sends back with the codes (moveSecondFactor refuses a form whose page
 * shows another secret). `inForce` instead when that secret is the one in force: a QR code to scan
 * must never be the secret that already signs in (the session that moved to it is always replaced by
 * a new one, so this is a guard, not a path), and the page then shows no QR code (mfa.move.inForce).
 */
export async function movePage(
  user: CurrentUser,
): Promise<{ inForce: true } | { inForce: false; qrDataUrl: string; secret: string; shown: string }> {
  const secret = pendingSecretFor(user.id, user.sessionId);
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id }, select: { totpSecret: true } });
  if (u.totpSecret && decryptSecret(u.totpSecret) === secret) return { inForce: true };
  return { inForce: false, ...(await pendingEnrolment(user)), shown: shownStamp(secret) };
}

/**
 * Success with the new recovery codes (shown once) and this session's replacement (the caller sets
 * its cookie; never shown), note outcome.mfa.moved. Refusals: on the `mailCode` field as the set-up
 * words them (outcome.mfa.proof*); on the code field invalid (outcome.mfa.enrolMalformed,
 * outcome.mfa.enrolWrong, mfa.used) or throttled (mfa.throttled); refused outcome.mfaFirst (this
 * session has not passed the factor), outcome.mfa.moveOff (the factor is off: support reset it
 * meanwhile), outcome.sessionEnded; conflict outcome.mfa.movedElsewhere (another tab moved it first,
 * maybe with the very QR code this page shows) or outcome.mfa.moveStale (the page is out of date),
 * those two on the `shown` field (stale: the form puts the page's QR code away).
 */
export type MoveOutcome = Outcome<{ recoveryCodes: string[]; session: VerifiedSession }>;

/**
 * Moves the second factor to a new phone: `typed` is the first code of this session's pending secret
 * (movePage shows it; as people type it, lib/auth/codes.ts) and `mailed` the code mailed to the login
 * for this session (sendEnrolmentProof with `move`), checked first, so a refused mailed code leaves
 * the app's time step unspent and counts no try. `shown` is what the page's form sent back (movePage
 * `shown`): when it does not name this session's pending secret the page is out of date, and before
 * any code is read the move is refused conflict, on the `shown` field: outcome.mfa.movedElsewhere
 * when the page's QR code is the secret in force (another tab of this browser moved the factor with
 * it, and this session is that move's new one), else outcome.mfa.moveStale (signed in again
 * elsewhere, a rotated AUTH_SECRET, a form from before the field: reload). The rules of
 * the first set-up hold (confirmEnrolment): the `totp` limit per login counted before the check, a
 * step spent once (RFC 6238 §5.2), a wrong code audited `mfa.failure` (`for` `move`) but not counted
 * toward the lock (the session itself was shown the secret: there is nothing to guess). Then in one
 * transaction, under the user row's lock and only if the secret in force is still the one read
 * (two tabs: the second changes nothing): the secret is replaced (sealed; a lock and its count go,
 * they were about the old one), the mailed code is spent, ten new recovery codes replace the old,
 * this session gets a new token (startVerifiedSession), every other session of the login ends
 * (a thief's included, half signed in or not), its sign-in links are revoked, the change is audited
 * `mfa.enrolled` with `for` `move` (actor, address, user agent: lib/audit/log.ts) and the owner is
 * mailed the security change (`mfa_moved`: "moved to a new phone", not "turned on"). A failure there
 * gives the step and the try back.
 */
export async function moveSecondFactor(
  user: CurrentUser,
  typed: string,
  mailed: string | undefined,
  shown: string | undefined,
  meta: RequestMeta,
): Promise<MoveOutcome> {
  const u = await db.user.findUniqueOrThrow({
    where: { id: user.id },
    select: { id: true, email: true, totpSecret: true, totpEnabledAt: true },
  });
  if (!u.totpSecret || !u.totpEnabledAt) return fail('refused', 'outcome.mfa.moveOff');
  // The wrapper refuses such a session already (lib/server/safe-action.ts); the rule is the domain's.
  if (!user.mfaVerified) return fail('refused', 'outcome.mfaFirst');
  const secret = pendingSecretFor(user.id, user.sessionId);
  if (!shown || !names(shown, secret)) {
    // Said before any code is read: "First press “Email me a code”", or a refused app code beside
    // the old QR code, would send the person round in circles on a page that can never succeed.
    return stale(
      names(shown ?? '', decryptSecret(u.totpSecret))
        ? 'outcome.mfa.movedElsewhere'
        : 'outcome.mfa.moveStale',
    );
  }
  const code = readCode(typed);
  if (code.kind !== 'totp') return codeRefused('invalid', 'outcome.mfa.enrolMalformed');
  const proof = await checkEnrolmentProof(user, mailed);
  if (!proof.ok) {
    // The code went with a move another tab of this session finished meanwhile: said as such.
    const now = await db.user.findUniqueOrThrow({ where: { id: u.id }, select: { totpSecret: true } });
    if (now.totpSecret !== u.totpSecret) return stale('outcome.mfa.movedElsewhere');
    if (proof.why === 'wrong' || proof.why === 'spent')
      await audit({ action: 'mfa.failure', actor: user, detail: { kind: 'email', for: 'move' }, meta });
    const key = proofRefusalKey(proof.why);
    return fail('invalid', key, undefined, { mailCode: [{ key }] });
  }
  const accepted = await acceptNewAppCode(user, meta, secret, code.code, 'move');
  if ('refused' in accepted) return accepted.refused;
  const { spent } = accepted;
  try {
    const done = await db.$transaction(async (tx) => {
      await lockUser(tx, u.id); // the user's row first (docs/architecture.md "Lock order")
      const { count } = await tx.user.updateMany({
        where: { id: u.id, totpSecret: u.totpSecret, totpEnabledAt: { not: null } },
        data: { totpSecret: encryptSecret(secret), totpFailures: 0, totpLockedAt: null },
      });
      if (count !== 1) {
        const now = await tx.user.findUniqueOrThrow({ where: { id: u.id }, select: { totpEnabledAt: true } });
        return now.totpEnabledAt ? ('elsewhere' as const) : ('off' as const);
      }
      await takeEnrolmentProof(tx, user.sessionId);
      const recoveryCodes = await storeNewRecoveryCodes(tx, u.id);
      const session = await startVerifiedSession(tx, user, meta);
      if (!session) throw new SessionEnded();
      const ended = await tx.session.deleteMany({
        where: { userId: u.id, sessionToken: { not: session.sessionToken } },
      });
      const linksRevoked = await revokeSignInLinks(tx, u.email);
      await audit(
        {
          action: 'mfa.enrolled',
          actor: user,
          detail: { for: 'move', otherSessionsEnded: ended.count, linksRevoked },
          meta,
        },
        tx,
      );
      await queueSecurityChange(tx, u, 'mfa_moved', meta.ip);
      return { recoveryCodes, session };
    });
    if (done === 'elsewhere') return stale('outcome.mfa.movedElsewhere');
    if (done === 'off') return fail('refused', 'outcome.mfa.moveOff');
    return succeed(done, { key: 'outcome.mfa.moved' });
  } catch (e) {
    // Nothing was stored: the step is given back, so the same code sent again is no wrong one.
    await spent.giveBack();
    await reward('totp', user.id).catch(() => undefined);
    if (e instanceof SessionEnded) return fail('refused', 'outcome.sessionEnded');
    throw e;
  }
}
