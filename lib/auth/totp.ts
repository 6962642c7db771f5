import 'server-only';
import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { sharedNow } from '@/lib/server/clock';
import { consume, reward } from '@/lib/server/rate-limit';
import { formatRecoveryCode, RECOVERY_ALPHABET, RECOVERY_LENGTH } from '@/lib/auth/codes';
import { mac, macs, seal, unseal } from '@/lib/server/seal';

// TOTP secrets are stored sealed (lib/server/seal.ts): a database dump alone hands out no second factors.
export const encryptSecret = (base32: string) => seal(base32, 'totp-secret-v1');
export const decryptSecret = (stored: string) => unseal(stored, 'totp-secret-v1');

export const newSecret = () => new Secret({ size: 20 }).base32;

/**
 * The secret a session is offered while it sets up its second factor (base32, 160 bits): the first
 * 20 bytes of an HMAC of the user and the **session** id under a key derived from AUTH_SECRET. Stable
 * for that session (a reload shows the same QR code) and different for every other session of the
 * user, so nobody else signed in as them (someone with the password) sees it; nothing is stored
 * until the enrolment is confirmed (lib/auth/mfa/enrol.ts), and it cannot be computed without
 * AUTH_SECRET. Rotating AUTH_SECRET changes it: a half-done enrolment starts again from a new QR code.
 */
export const pendingSecretFor = (userId: string, sessionId: string) =>
  new Secret({
    buffer: Uint8Array.from(
      Buffer.from(mac(`${userId}\0${sessionId}`, 'totp-pending-v1'), 'hex').subarray(0, 20),
    ).buffer,
  }).base32;

export function totpFor(base32: string, label: string): TOTP {
  return new TOTP({
    issuer: 'Tollgate',
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(base32),
  });
}

/** The time step a code belongs to (current, or one either side for clock drift), or null. */
export function matchTotpStep(base32: string, code: string, now = Date.now()): number | null {
  if (!/^\d{6}$/.test(code)) return null;
  const delta = totpFor(base32, 'x').validate({ token: code, window: 1, timestamp: now });
  return delta === null ? null : Math.floor(now / 30_000) + delta;
}

/** A time step acceptTotp spent: `giveBack()` un-spends it (best effort), for a caller whose change failed. */
export type SpentStep = { giveBack: () => Promise<void> };

/**
 * Verifies a code for a user and spends its time step: RFC 6238 §5.2 — a code that was accepted once
 * is not accepted again, so a code read over a shoulder or from a log is useless afterwards; nor is a
 * code of an earlier step (the two before it, all the window may still accept, are spent too). The step
 * is spent for this secret only: a code is a function of the secret and the step, and a new secret
 * (enrolled after an admin's reset, in the same minute as the last code of the lost one) has codes of
 * its own. Keyed by the user too, so two users who share a secret (tests, the demo) do not collide.
 * Returns the spent step; `'used'` for a right code whose step is already spent (the person signed in
 * with it a moment ago on another device: told to wait for the next code, not that it is wrong, and
 * not counted towards the lock); null for a wrong code. The step is spent before
 * the caller's change is made (parallel requests with one code cannot both pass); a caller whose
 * change then fails (a database error, the session ended) gives it back, so the person's next try
 * with the same code is not refused as a wrong one.
 */
export async function acceptTotp(
  userId: string,
  base32: string,
  code: string,
): Promise<SpentStep | 'used' | null> {
  // The shared clock: every instance spends the same step for the same code (lib/server/clock.ts).
  const step = matchTotpStep(base32, code, sharedNow().getTime());
  if (step === null) return null;
  // A digest of the secret, not the secret (the limiter hashes its keys again): a fixed-size part of
  // the key that differs between secrets, with nothing that AUTH_SECRET's rotation would change.
  const secret = crypto.createHash('sha256').update(`totp-step\0${base32}`).digest('base64url');
  const key = (s: number) => `${userId}:${secret}:${s}`;
  if ((await consume('totpStep', key(step))).rejected) return 'used';
  // The steps before it that matchTotpStep's window still accepts are spent with it: once a code is
  // accepted, no older one is (an older code read over a shoulder stayed good for about 30 s after
  // its owner signed in with a newer one: tester, session 46). RFC 6238 §5.2 asks only that the same
  // code not be accepted twice; this is the stricter rule of remembering the last step accepted.
  const spent = [key(step)];
  // Each consume is given back once: a step spent before this one stays spent (two consumes).
  const giveBack = () => Promise.all(spent.map((k) => reward('totpStep', k))).then(() => undefined);
  try {
    for (const k of [step - 1, step - 2].map(key)) {
      await consume('totpStep', k);
      spent.push(k);
    }
  } catch (e) {
    // The store failed part-way (no free connection, a busy database): nothing stays spent, so
    // the person's right code is not refused as used at the next try (review, session 46).
    await giveBack().catch(() => undefined);
    throw e;
  }
  return { giveBack: () => giveBack().catch(() => undefined) };
}

/**
 * The stored form of a recovery code: `sha256:<64 hex>`, SHA-256 of the canonical form from readCode()
 * (16 base32 characters, 80 random bits: a database dump gives no code away, 2^80 guesses being out
 * of reach). Not keyed to AUTH_SECRET: codes stored as an HMAC under it (`hmac-sha256:`, until the
 * thirty-third session) stopped working at every rotation of the secret, unnoticed, though the profile
 * still counted them (review, session 33). Those rows are still read (recoveryCodeHashes).
 */
export const hashRecoveryCode = (code: string) =>
  `sha256:${crypto.createHash('sha256').update(`tollgate-recovery-code\0${code}`, 'utf8').digest('hex')}`;

/**
 * Every stored form `code` may have: hashRecoveryCode's, and the older HMAC under AUTH_SECRET and,
 * during a rotation, under AUTH_SECRET_PREVIOUS (lib/server/seal.ts macs). For the lookup of a typed code.
 */
export const recoveryCodeHashes = (code: string) => [
  hashRecoveryCode(code),
  ...macs(code, 'recovery-code-v1').map((m) => `hmac-sha256:${m}`),
];

/** `n` new recovery codes for display (`ABCD-EFGH-JKMN-PQRS`), 80 bits each from the CSPRNG. */
export function newRecoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () =>
    formatRecoveryCode(
      Array.from(
        { length: RECOVERY_LENGTH },
        () => RECOVERY_ALPHABET[crypto.randomInt(RECOVERY_ALPHABET.length)],
      ).join(''),
    ),
  );
}
