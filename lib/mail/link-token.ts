import 'server-only';
import crypto from 'node:crypto';

// Sign-in links in Tollgate's own messages (the block notice) are Auth.js email sign-in links: the
// same VerificationToken table, the same hash, the same callback URL, so Auth.js's own callback
// verifies them, deletes them on use (single use) and checks the expiry. @auth/core does not export
// the two helpers involved (createHash and the URL shape in lib/actions/signin/send-token.js), so
// they are restated here; tests/integration/mail-links.test.ts checks them against Auth.js itself.

export const EMAIL_PROVIDER_ID = 'nodemailer';
export const AUTH_BASE_PATH = '/api/auth';
/** How long a sign-in link works (Auth.js's default, and what the messages promise). */
export const LINK_MAX_AGE_SEC = 24 * 60 * 60;

/** The secret Auth.js hashes email tokens with; given to the provider as `secret`, so both sides agree. */
export const linkTokenSecret = () => process.env.AUTH_SECRET ?? '';

/** @auth/core `createHash(`${token}${secret}`)`: SHA-256, lowercase hex. Only this hash is stored. */
export const hashLinkToken = (token: string, secret = linkTokenSecret()) => crypto.createHash('sha256').update(`${token}${secret}`).digest('hex');

/**
 * The token of one outbox message: an HMAC of the row id under a key derived from AUTH_SECRET.
 * Deterministic, so a re-send of the same message carries the same (single-use) link and nobody
 * ever has to store the raw token; unguessable without AUTH_SECRET. 64 hex chars, like Auth.js's own.
 */
export function messageLinkToken(mailId: string): string {
  const key = Buffer.from(crypto.hkdfSync('sha256', linkTokenSecret(), 'tollgate', 'mail-link-token-v1', 32));
  return crypto.createHmac('sha256', key).update(mailId).digest('hex');
}

/** `${APP_URL}/api/auth/callback/nodemailer?callbackUrl=…&token=…&email=…`, as send-token.js builds it. */
export function callbackLink(appUrl: string, o: { token: string; email: string; callbackPath: string }): string {
  const link = new URL(`${AUTH_BASE_PATH}/callback/${EMAIL_PROVIDER_ID}`, appUrl);
  link.search = new URLSearchParams({ callbackUrl: new URL(o.callbackPath, appUrl).toString(), token: o.token, email: o.email }).toString();
  return link.toString();
}

/** Expiry counts from the first attempt to send (the row's sendStartedAt), so every copy says the same. */
export const linkExpiry = (firstAttemptAt: Date) => new Date(firstAttemptAt.getTime() + LINK_MAX_AGE_SEC * 1000);
