import 'server-only';
import crypto from 'node:crypto';

// A sign-in link Auth.js hands to sendVerificationRequest is a bearer credential; it waits in the
// mail outbox until the worker sends it, so it is stored AES-256-GCM encrypted under a key derived
// from AUTH_SECRET (a database dump alone does not sign anyone in), and scrubbed once sent.

const key = () => Buffer.from(crypto.hkdfSync('sha256', process.env.AUTH_SECRET ?? '', 'tollgate', 'mail-payload-v1', 32));

export function seal(plain: string): string {
  const iv = crypto.randomBytes(12);
  const c = crypto.createCipheriv('aes-256-gcm', key(), iv);
  const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
  return ['v1', iv.toString('base64url'), c.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

export function unseal(sealed: string): string {
  const [v, iv, tag, body] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || !body) throw new Error('Unrecognised sealed value');
  const d = crypto.createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
  d.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([d.update(Buffer.from(body, 'base64url')), d.final()]).toString('utf8');
}
