import 'server-only';
import crypto from 'node:crypto';

// Secrets Tollgate must keep but never hold in the clear at rest — TOTP secrets, sign-in links waiting
// in the mail outbox — are AES-256-GCM encrypted under a key derived from AUTH_SECRET, one key per
// purpose, so a database dump alone neither signs anyone in nor hands out second factors.

export type SealPurpose = 'totp-secret-v1' | 'mail-payload-v1';

const keyFrom = (secret: string, purpose: SealPurpose) =>
  Buffer.from(crypto.hkdfSync('sha256', secret, 'tollgate', purpose, 32));

/**
 * AUTH_SECRET as the key material of every seal and MAC, of the session JWT (lib/auth/session-token.ts)
 * and of the sign-in link hash (lib/mail/link-token.ts). Throws when it is unset or empty: HKDF and
 * SHA-256 take an empty key without complaint, and what is sealed, signed or hashed under it is
 * readable or forgeable by anyone holding the database (the portal validates it at start; this guards
 * the commands and scripts that do not).
 */
export function currentSecret(): string {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error('AUTH_SECRET is not set: nothing can be sealed or opened without it');
  return secret;
}
const key = (purpose: SealPurpose) => keyFrom(currentSecret(), purpose);

/** Purposes of the HMAC keys derived from AUTH_SECRET (one key per purpose, never the secret itself). */
export type MacPurpose =
  'recovery-code-v1' | 'known-device-v1' | 'link-binding-v1' | 'totp-pending-v1' | 'enrol-proof-v1';

/**
 * HMAC-SHA256 of `data` under a key derived from AUTH_SECRET with HKDF (RFC 5869) for `purpose`.
 * Returns 64 lowercase hex characters. Deterministic: the same input gives the same MAC.
 */
export function mac(data: string, purpose: MacPurpose): string {
  return macUnder(currentSecret(), data, purpose);
}

/**
 * `mac(data, purpose)`, then, during a rotation, the same under AUTH_SECRET_PREVIOUS (docs/operations.md,
 * "Rotating secrets"): what a MAC made before the rotation may equal. For checking a MAC, never for
 * making one. Before the thirty-third session only the current secret was tried: every known-device
 * cookie stopped counting at the rotation's second step (review, session 33).
 */
export function macs(data: string, purpose: MacPurpose): string[] {
  const previous = process.env.AUTH_SECRET_PREVIOUS;
  return [mac(data, purpose), ...(previous ? [macUnder(previous, data, purpose)] : [])];
}

function macUnder(secret: string, data: string, purpose: MacPurpose): string {
  const k = Buffer.from(crypto.hkdfSync('sha256', secret, 'tollgate', purpose, 32));
  return crypto.createHmac('sha256', k).update(data, 'utf8').digest('hex');
}

/** Compares two MACs (or any two strings) in constant time for equal lengths. */
export function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

export function seal(plain: string, purpose: SealPurpose): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key(purpose), iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return [
    'v1',
    iv.toString('base64url'),
    c.getAuthTag().toString('base64url'),
    body.toString('base64url'),
  ].join('.');
}

/**
 * Opens a value sealed under AUTH_SECRET or, during a rotation, under AUTH_SECRET_PREVIOUS
 * (docs/operations.md, "Rotating secrets"). Throws when neither key opens it (GCM authentication).
 */
export function unseal(sealed: string, purpose: SealPurpose): string {
  const [v, iv, tag, body] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || !body) throw new Error('Unrecognised sealed value');
  const secrets = [
    currentSecret(),
    ...(process.env.AUTH_SECRET_PREVIOUS ? [process.env.AUTH_SECRET_PREVIOUS] : []),
  ];
  let failure: unknown;
  for (const secret of secrets) {
    try {
      const d = crypto.createDecipheriv(
        'aes-256-gcm',
        keyFrom(secret, purpose),
        Buffer.from(iv, 'base64url'),
      );
      d.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
    } catch (e) {
      failure = e;
    }
  }
  throw failure;
}

/** True when `sealed` opens under the current AUTH_SECRET alone (no re-sealing needed after a rotation). */
export function sealedUnderCurrent(sealed: string, purpose: SealPurpose): boolean {
  const [, iv, tag, body] = sealed.split('.');
  try {
    const d = crypto.createDecipheriv('aes-256-gcm', key(purpose), Buffer.from(iv ?? '', 'base64url'));
    d.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
    Buffer.concat([d.update(Buffer.from(body ?? '', 'base64url')), d.final()]);
    return true;
  } catch {
    return false;
  }
}
