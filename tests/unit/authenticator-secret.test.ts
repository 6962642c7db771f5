import { TOTP } from 'otpauth';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { AuthenticatorSecret, inGroupsOfFour } from '@/components/authenticator-secret';

// The base32 set-up key wrapped mid-string (break-all) on a phone's screen (tester, session 42): it is
// shown in groups of four, which authenticator apps take as typed.

describe('the authenticator app’s set-up key', () => {
  it('is written in groups of four, whatever white space it came with', () => {
    expect(inGroupsOfFour('JBSWY3DPEHPK3PXP')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(inGroupsOfFour('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXPAB')).toBe(
      'JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP AB',
    );
    expect(inGroupsOfFour(' JBSW Y3DP\nEHPK3PXP ')).toBe('JBSW Y3DP EHPK 3PXP');
    expect(inGroupsOfFour('')).toBe('');
  });

  it('typed with its spaces, gives the same codes as without (RFC 6238)', () => {
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    const at = { timestamp: Date.UTC(2026, 10, 25, 9, 14) };
    expect(new TOTP({ secret: inGroupsOfFour(secret) }).generate(at)).toBe(new TOTP({ secret }).generate(at));
  });

  it('is shown grouped, and may wrap only between groups', () => {
    const html = renderToStaticMarkup(
      h(AuthenticatorSecret, {
        qrDataUrl: 'data:image/png;base64,',
        secret: 'JBSWY3DPEHPK3PXP',
        alt: 'QR',
        cannotScan: 'Type this key:',
      }),
    );
    expect(html).toContain('>JBSW Y3DP EHPK 3PXP</code>');
    expect(html).not.toContain('break-all');
  });
});
