import { describe, expect, it } from 'vitest';
import { securityHeaders } from '@/lib/server/security-headers';

const at = (pathname: string) => securityHeaders({ nonce: 'n0nce', pathname, https: false, dev: false });

describe('dev mailbox HTML view headers', () => {
  it('the frame route allows the mail’s inline styles but no script, form or framing elsewhere', () => {
    const csp = at('/dev/mailbox/abc123/html')['Content-Security-Policy'];
    expect(csp).toContain(`default-src 'none'`);
    expect(csp).toContain(`style-src 'unsafe-inline'`);
    expect(csp).toContain(`frame-ancestors 'self'`);
    expect(csp).toContain('sandbox');
    expect(csp).not.toContain('script-src');
    expect(at('/dev/mailbox/abc123/html')['X-Frame-Options']).toBe('SAMEORIGIN');
  });

  it('every other page, the mailbox pages included, keeps the strict policy', () => {
    for (const p of ['/dev/mailbox', '/dev/mailbox/abc123', '/dev/mailbox/a/html/x']) {
      expect(at(p)['Content-Security-Policy']).toContain(`frame-ancestors 'none'`);
      expect(at(p)['Content-Security-Policy']).not.toContain(`'unsafe-inline'`);
    }
    // Email-link pages send no referrer to other sites, and keep their origin on their own forms.
    expect(at('/api/auth/callback/nodemailer')['Referrer-Policy']).toBe('same-origin');
    expect(at('/blocks/abc')['Referrer-Policy']).toBe('same-origin');
  });
});
