import 'server-only';
import crypto from 'node:crypto';
import { currentSecret } from '@/lib/server/seal';

// Sign-in links. Every link in a message opens `/sign-in/link?token=…&callbackUrl=…`, a page with one
// "Continue" button: opening it (GET or HEAD, as mail scanners and link previews do) changes nothing,
// and only the POST from that page, in the browser that showed it, uses the token
// (lib/auth/link-sign-in.ts). Tokens live in Auth.js's VerificationToken table, stored only as
// @auth/core's hash, so "Email me a sign-in link" can keep using Auth.js's email provider to make them.
// tests/integration/mail-links.test.ts checks the hash against Auth.js itself.

export const EMAIL_PROVIDER_ID = 'nodemailer';
export const AUTH_BASE_PATH = '/api/auth';
/** The page every sign-in link opens. */
export const LINK_PAGE = '/sign-in/link';
/** A link asked for on the sign-in page: the person is waiting for it. */
export const REQUESTED_LINK_MAX_AGE_SEC = 15 * 60;
/** The block notice's link (read whenever the customer gets to it), and the second-factor unlock link. */
export const NOTICE_LINK_MAX_AGE_SEC = 24 * 60 * 60;

/** The secret Auth.js hashes email tokens with; given to the provider as `secret`, so both sides agree. */
export const linkTokenSecret = () => currentSecret();

/** @auth/core `createHash(`${token}${secret}`)`: SHA-256, lowercase hex. Only this hash is stored. */
export const hashLinkToken = (token: string, secret = linkTokenSecret()) =>
  crypto.createHash('sha256').update(`${token}${secret}`).digest('hex');

/**
 * The token of one outbox message: an HMAC of the row id under a key derived from AUTH_SECRET.
 * Deterministic, so a re-send of the same message carries the same (single-use) link and nobody
 * ever has to store the raw token; unguessable without AUTH_SECRET. 64 hex chars, like Auth.js's own.
 */
export function messageLinkToken(mailId: string): string {
  const key = Buffer.from(crypto.hkdfSync('sha256', linkTokenSecret(), 'tollgate', 'mail-link-token-v1', 32));
  return crypto.createHmac('sha256', key).update(mailId).digest('hex');
}

/**
 * `${APP_URL}/sign-in/link?token=…&callbackUrl=/path`. No email address in the link: the token alone
 * finds its row, so a mail client that rewrites `%2B` to `+` cannot break it.
 */
export function continueLink(appUrl: string, o: { token: string; callbackPath: string }): string {
  const link = new URL(LINK_PAGE, appUrl);
  link.search = new URLSearchParams({ token: o.token, callbackUrl: o.callbackPath }).toString();
  return link.toString();
}

/** Expiry counts from the first attempt to send (the row's sendStartedAt), so every copy says the same. */
export const linkExpiry = (firstAttemptAt: Date, maxAgeSec = NOTICE_LINK_MAX_AGE_SEC) =>
  new Date(firstAttemptAt.getTime() + maxAgeSec * 1000);

/**
 * VerificationToken.identifier of a link: the email for a sign-in link; `mfa-unlock:<email>` for the
 * link that also lifts a second-factor lock (lib/auth/mfa/lockout.ts).
 */
export const unlockIdentifier = (email: string) => `mfa-unlock:${email}`;
export const linkIdentifiers = (email: string) => [email, unlockIdentifier(email)];
