import { describe, expect, it } from 'vitest';
import { namesScanner, reportedUserAgent } from '@/lib/devices/user-agent';

// A tester playing the fraudster (2026-12) registered devices that passed as the owner's phones: a
// user agent of one invisible character, and a scanner's name written with another dash.

describe('what a user agent says', () => {
  it('says nothing when it is only invisible formatting characters or white space', () => {
    for (const ua of ['\u200b', ' \u200b\u200c ', '\u202e', '\ufeff', '\u00a0', 'n/a', ' N/A\u200b'])
      expect(reportedUserAgent(ua), JSON.stringify(ua)).toBe('');
    expect(reportedUserAgent('Yealink\u200b SIP-T46U')).toBe('Yealink\u200b SIP-T46U');
  });

  it('names a scanner written with other dashes, invisible characters or full-width letters', () => {
    for (const ua of [
      'friendly\u2010scanner', // U+2010 HYPHEN
      'friendly\u2013scanner', // EN DASH
      'fr\u200biendly-scanner',
      'ｆｒｉｅｎｄｌｙ－ｓｃａｎｎｅｒ', // full-width
      'SIP\u2011scan 1.0', // NON-BREAKING HYPHEN
    ])
      expect(namesScanner(ua), JSON.stringify(ua)).toBe(true);
    for (const ua of ['Yealink SIP-T46U 108.86.0.20', 'Asterisk PBX 20.5.0', 'Grandstream GXP2170'])
      expect(namesScanner(ua), ua).toBe(false);
  });
});
