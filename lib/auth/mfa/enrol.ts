import 'server-only';
import QRCode from 'qrcode';
import { audit } from '@/lib/audit/log';
import { consume, reset } from '@/lib/server/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { readCode } from '@/lib/auth/codes';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { decryptSecret, encryptSecret, newSecret, totpFor, acceptTotp } from '@/lib/auth/totp';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { storeNewRecoveryCodes } from '@/lib/auth/mfa/recovery';
import { codeRefused } from '@/lib/auth/mfa/refusal';
import { succeed, type Outcome } from '@/lib/server/outcome';

/** The pending secret (created once, reused until confirmed) as a QR code and as text for manual entry. */
export async function pendingEnrolment(user: CurrentUser): Promise<{ qrDataUrl: string; secret: string }> {
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  let secret = u.totpSecret && !u.totpEnabledAt ? decryptSecret(u.totpSecret) : null;
  if (!secret) {
    secret = newSecret();
    await db.user.update({
      where: { id: user.id, totpEnabledAt: null },
      data: { totpSecret: encryptSecret(secret) },
    });
  }
  const uri = totpFor(secret, user.email).toString();
  return { qrDataUrl: await QRCode.toDataURL(uri, { margin: 1, width: 220 }), secret };
}

/**
 * Confirms enrolment with a first code (as typed: "492 817" is fine; lib/auth/codes.ts). Returns the
 * recovery codes, shown once and stored as keyed hashes. A second-factor change revokes the user's
 * outstanding sign-in links; success says outcome.mfa.enrolled. Refusals (on the code field): invalid
 * (not a 6-digit code: not counted; or a wrong one), throttled (too many wrong codes this window).
 */
export async function confirmEnrolment(
  user: CurrentUser,
  typed: string,
  meta: RequestMeta,
): Promise<Outcome<{ recoveryCodes: string[] }>> {
  const code = readCode(typed);
  if (code.kind !== 'totp') return codeRefused('invalid', 'outcome.mfa.enrolMalformed');
  const attempt = await consume('totp', user.id); // counted first: parallel guesses cannot slip past
  if (attempt.rejected) return codeRefused('throttled', 'mfa.throttled');
  const u = await db.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!u.totpSecret || u.totpEnabledAt || !(await acceptTotp(u.id, decryptSecret(u.totpSecret), code.code))) {
    return attempt.limited
      ? codeRefused('throttled', 'mfa.throttled')
      : codeRefused('invalid', 'outcome.mfa.enrolWrong');
  }
  await reset('totp', user.id);
  const codes = await db.$transaction(async (tx) => {
    await tx.user.update({
      where: { id: user.id },
      data: { totpEnabledAt: new Date(), totpFailures: 0, totpLockedAt: null },
    });
    const stored = await storeNewRecoveryCodes(tx, user.id);
    await tx.session.update({ where: { id: user.sessionId }, data: { mfaVerifiedAt: new Date() } });
    const linksRevoked = await revokeSignInLinks(tx, user.email);
    await audit({ action: 'mfa.enrolled', actor: user, detail: { linksRevoked }, meta }, tx);
    return stored;
  });
  return succeed({ recoveryCodes: codes }, { key: 'outcome.mfa.enrolled' });
}
