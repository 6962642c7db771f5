import 'server-only';
import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

// TOTP secrets are stored AES-256-GCM encrypted with a key derived from AUTH_SECRET, so a database
// dump alone does not hand out second factors.
function key(): Buffer {
  return Buffer.from(crypto.hkdfSync('sha256', process.env.AUTH_SECRET ?? '', 'tollgate', 'totp-secret-v1', 32));
}

export function encryptSecret(base32: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([c.update(base32, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function decryptSecret(stored: string): string {
  const [v, iv, tag, body] = stored.split('.');
  if (v !== 'v1' || !iv || !tag || !body) throw new Error('Unrecognised TOTP secret format');
  const d = crypto.createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
}

export const newSecret = () => new Secret({ size: 20 }).base32;

export function totpFor(base32: string, label: string): TOTP {
  return new TOTP({ issuer: 'Tollgate', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(base32) });
}

/** Accepts the current code and one step either side (clock drift). */
export function verifyTotp(base32: string, code: string): boolean {
  if (!/^\d{6}$/.test(code)) return false;
  return totpFor(base32, 'x').validate({ token: code, window: 1 }) !== null;
}

export const hashRecoveryCode = (code: string) => crypto.createHash('sha256').update(code.replace(/[\s-]/g, '').toLowerCase()).digest('hex');

export function newRecoveryCodes(n = 10): string[] {
  return Array.from({ length: n }, () => {
    const raw = crypto.randomBytes(5).toString('hex');
    return `${raw.slice(0, 5)}-${raw.slice(5)}`;
  });
}
