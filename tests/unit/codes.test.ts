import { describe, expect, it } from 'vitest';
import { readCode, RECOVERY_ALPHABET } from '@/lib/auth/codes';
import { knownDevice, newDeviceCookie, signedInHereBefore } from '@/lib/auth/known-device';
import { hashRecoveryCode, newRecoveryCodes, recoveryCodeHashes } from '@/lib/auth/totp';

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
    ['\u202d508 291\u202c'], // wrapped in directional marks, as copied from iOS (review, session 34)
    ['508\u200b291'], // zero-width space
    ['\ufeff508291'], // a byte-order mark pasted in front
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
  // Review, session 33: stored as an HMAC under AUTH_SECRET, every code stopped working at a rotation
  // of the secret. Now a hash of their own (80 random bits need no key), the same under any secret;
  // the older HMAC rows are still found, under either secret of a rotation.
  it('are stored as a hash that no AUTH_SECRET rotation changes, and the older HMAC rows still match', async () => {
    const code = 'ABCDEFGHJKMNPQRS';
    const stored = hashRecoveryCode(code);
    expect(stored).toMatch(/^sha256:[0-9a-f]{64}$/);
    const { createHash } = await import('node:crypto');
    expect(stored).not.toContain(createHash('sha256').update(code).digest('hex'));
    expect(stored).not.toContain(createHash('sha256').update(code.toLowerCase()).digest('hex'));
    expect(hashRecoveryCode(code)).toBe(stored); // deterministic, so a typed code finds its row
    const saved = { current: process.env.AUTH_SECRET, previous: process.env.AUTH_SECRET_PREVIOUS };
    const older = recoveryCodeHashes(code)[1]!; // as stored before: HMAC under the secret of the day
    expect(older).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    process.env.AUTH_SECRET = 'another-secret-another-secret-0123456789';
    try {
      expect(hashRecoveryCode(code)).toBe(stored);
      expect(recoveryCodeHashes(code)).not.toContain(older);
      process.env.AUTH_SECRET_PREVIOUS = saved.current;
      expect(recoveryCodeHashes(code)).toEqual([stored, expect.stringMatching(/^hmac-sha256:/), older]);
    } finally {
      process.env.AUTH_SECRET = saved.current;
      if (saved.previous === undefined) delete process.env.AUTH_SECRET_PREVIOUS;
      else process.env.AUTH_SECRET_PREVIOUS = saved.previous;
    }
  });
});

describe('known-device cookie', () => {
  const dana = { id: 'user-dana', email: 'dana@t.example', linksRevokedAt: null };
  const ID = /^[A-Za-z0-9_-]{22}$/;

  it('is valid only for the login it was given for, and cannot be forged', () => {
    const cookie = newDeviceCookie(dana);
    const device = knownDevice(cookie, dana);
    expect(device?.id).toMatch(ID);
    expect(knownDevice(cookie, { ...dana, email: 'DANA@t.example' })).toEqual(device);
    expect(knownDevice(cookie, { ...dana, email: 'sam@t.example' })).toBeNull();
    // Another login with that address (the first one gone): not its cookie.
    expect(knownDevice(cookie, { ...dana, id: 'user-dana-again' })).toBeNull();
    const [id, epoch] = cookie.split('.');
    expect(knownDevice(`${id}.${epoch}.${'0'.repeat(64)}`, dana)).toBeNull();
    expect(knownDevice(`${cookie}.x`, dana)).toBeNull();
    expect(knownDevice('garbage', dana)).toBeNull();
    expect(knownDevice(undefined, dana)).toBeNull();
    expect(knownDevice(cookie, null)).toBeNull();
  });

  it('made before the login’s last revocation, counts no more; it is still known to be genuine', () => {
    const cookie = newDeviceCookie(dana);
    const revoked = { ...dana, linksRevokedAt: new Date('2026-12-05T10:00:00.123Z') };
    expect(knownDevice(cookie, revoked)).toBeNull();
    // Only the disabled login's answer uses this: the owner's own browser is told it is disabled.
    expect(signedInHereBefore(cookie, revoked)).toBe(true);
    expect(signedInHereBefore(cookie, { ...dana, email: 'sam@t.example' })).toBe(false);
    // The epoch it names cannot be moved on: its MAC covers it.
    const fresh = newDeviceCookie(revoked);
    expect(knownDevice(fresh, revoked)?.id).toMatch(ID);
    const [id, , sig] = cookie.split('.');
    expect(knownDevice(`${id}.${fresh.split('.')[1]}.${sig}`, revoked)).toBeNull();
    // Each revocation moves the mark by at least a millisecond: that is enough.
    const next = { ...dana, linksRevokedAt: new Date(revoked.linksRevokedAt.getTime() + 1) };
    expect(knownDevice(fresh, next)).toBeNull();
  });

  it('the cookies made before epochs (two parts) count as no known browser', () => {
    const [id] = newDeviceCookie(dana).split('.');
    expect(knownDevice(`${id}.${'a'.repeat(64)}`, dana)).toBeNull();
    expect(signedInHereBefore(`${id}.${'a'.repeat(64)}`, dana)).toBe(false);
  });

  // Review, session 33: at the rotation's second step every known browser became unknown, and with it
  // the allowance that keeps a stranger from locking the user out.
  it('made under the previous AUTH_SECRET, still counts during a rotation, and only then', () => {
    const saved = { current: process.env.AUTH_SECRET, previous: process.env.AUTH_SECRET_PREVIOUS };
    const cookie = newDeviceCookie(dana);
    try {
      process.env.AUTH_SECRET = 'another-secret-another-secret-0123456789';
      delete process.env.AUTH_SECRET_PREVIOUS;
      expect(knownDevice(cookie, dana)).toBeNull();
      process.env.AUTH_SECRET_PREVIOUS = saved.current;
      expect(knownDevice(cookie, dana)?.id).toMatch(ID);
      expect(knownDevice(cookie, { ...dana, email: 'sam@t.example' })).toBeNull();
    } finally {
      process.env.AUTH_SECRET = saved.current;
      if (saved.previous === undefined) delete process.env.AUTH_SECRET_PREVIOUS;
      else process.env.AUTH_SECRET_PREVIOUS = saved.previous;
    }
  });
});
