import { describe, expect, it } from 'vitest';
import { forwardLegacyLink } from '@/lib/auth/legacy-links';

// An old-style sign-in link (Auth.js's email callback) forwards, unused, to the "Continue" page
// (lib/auth/legacy-links.ts). Its callbackUrl is whatever the link (or a mail client rewriting it)
// holds: one that is not a URL at all (a bad port, an unclosed IPv6 bracket) made `new URL` throw,
// and the GET was a 500 (break-15, finding 3). It lands on the dashboard instead, token kept.

const APP = 'http://localhost:3000';
const callback = (cb: string) =>
  new Request(`${APP}/api/auth/callback/nodemailer?callbackUrl=${encodeURIComponent(cb)}&token=abc123`);

describe('forwardLegacyLink', () => {
  it.each(['http://[', 'http://x:99999', 'http://a:b', '//[', 'https://user@:80'])(
    'a callbackUrl that is not a URL (%s) goes to the dashboard',
    (cb) => {
      const res = forwardLegacyLink(callback(cb), APP);
      expect(res?.status).toBe(303);
      expect(res?.headers.get('location')).toBe(`${APP}/sign-in/link?token=abc123&callbackUrl=%2F`);
    },
  );

  it('keeps a same-origin destination and drops another origin', () => {
    const own = forwardLegacyLink(callback(`${APP}/blocks/b1`), APP);
    expect(own?.headers.get('location')).toBe(`${APP}/sign-in/link?token=abc123&callbackUrl=%2Fblocks%2Fb1`);
    const other = forwardLegacyLink(callback('https://evil.example/blocks/b1'), APP);
    expect(other?.headers.get('location')).toBe(`${APP}/sign-in/link?token=abc123&callbackUrl=%2F`);
  });
});
