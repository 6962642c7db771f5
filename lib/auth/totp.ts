import 'server-only';
import crypto from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { seal, unseal } from '@/lib/security/seal';

// TOTP secrets are stored sealed (lib/security/seal.ts): a database dump alone hands out no second factors.
export const encryptSecret = (base32: string) => seal(base32, 'totp-secret-v1');
export const decryptSecret = (stored: string) => unseal(stored, 'totp-secret-v1');

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
