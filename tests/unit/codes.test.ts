import { describe, expect, it } from 'vitest';
import { readCode, RECOVERY_ALPHABET } from '@/lib/auth/codes';
import { knownDeviceId, newDeviceCookie } from '@/lib/auth/known-device';
import { hashRecoveryCode, newRecoveryCodes } from '@/lib/auth/totp';

describe('codes as people type them', () => {
  it.each([
    ['508291'],
    ['508 291'],
    ['508-291'],
    ['508\u00a0291'], // no-break space
    ['508\u202f291'], // narrow no-break space
    ['508\u2013291'], // en dash
    ['508\u2212291'], // minus sign
    ['\uff15\uff10\uff18\uff12\uff19\uff11'], // full-width digits
    ['٥٠٨ ٢٩١'], // Arabic-Indic digits: NFKC leaves them, as every other script's
    ['५०८ २९१'], // Devanagari
    ['৫০৮-২৯১'], // Bengali
    ['  508 291\n'],
  ])('%j is the TOTP code 508291', (typed) =>
    expect(readCode(typed)).toEqual({ kind: 'totp', code: '508291' }),
  );

  it.each([['508 29'], ['5082911'], ['abc def'], [''], ['50829l']])(
    '%j is malformed: a form error, not a guess',
    (typed) => expect(readCode(typed)).toEqual({ kind: 'malformed' }),
  );

  it('reads recovery codes case-insensitively, with Crockford base32 substitutions', () => {
    expect(readCode('abcd-efgh-jkmn-pqrs')).toEqual({ kind: 'recovery', code: 'ABCDEFGHJKMNPQRS' });
    expect(readCode('ABCD EFGH JKMN PQRS')).toEqual({ kind: 'recovery', code: 'ABCDEFGHJKMNPQRS' });
    expect(readCode('O0IL-0000-0000-0000')).toEqual({ kind: 'recovery', code: '0011000000000000' });
    expect(readCode('abcd-efgh-jkmn-pqr')).toEqual({ kind: 'malformed' });
    expect(readCode('0123456789')).toEqual({ kind: 'malformed' }); // the old 10-hex format (40 bits) is gone
  });
});

describe('recovery codes', () => {
  it('carry 80 bits: 16 characters of a 32-letter alphabet, all different across a set', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(RECOVERY_ALPHABET).toHaveLength(32);
    for (const c of codes) {
      expect(c).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
      expect(16 * Math.log2(RECOVERY_ALPHABET.length)).toBe(80);
      const read = readCode(c);
      expect(read.kind).toBe('recovery');
    }
  });
  it('are stored as a keyed HMAC: not the plain SHA-256, and different under another AUTH_SECRET', async () => {
    const code = 'ABCDEFGHJKMNPQRS';
    const stored = hashRecoveryCode(code);
    expect(stored).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    const { createHash } = await import('node:crypto');
    expect(stored).not.toContain(createHash('sha256').update(code).digest('hex'));
    expect(stored).not.toContain(createHash('sha256').update(code.toLowerCase()).digest('hex'));
    expect(hashRecoveryCode(code)).toBe(stored); // deterministic, so a typed code finds its row
    const saved = process.env.AUTH_SECRET;
    process.env.AUTH_SECRET = 'another-secret-another-secret-0123456789';
    try {
      expect(hashRecoveryCode(code)).not.toBe(stored);
    } finally {
      process.env.AUTH_SECRET = saved;
    }
  });
});

describe('known-device cookie', () => {
  it('is valid only for the email it was given for, and cannot be forged', () => {
    const cookie = newDeviceCookie('dana@t.example');
    const id = knownDeviceId(cookie, 'dana@t.example');
    expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(knownDeviceId(cookie, 'DANA@t.example')).toBe(id);
    expect(knownDeviceId(cookie, 'sam@t.example')).toBeNull();
    expect(knownDeviceId(`${id}.${'0'.repeat(64)}`, 'dana@t.example')).toBeNull();
    expect(knownDeviceId('garbage', 'dana@t.example')).toBeNull();
    expect(knownDeviceId(undefined, 'dana@t.example')).toBeNull();
  });
});
