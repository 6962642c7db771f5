import { TOTP } from 'otpauth';
import { beforeAll, describe, expect, it } from 'vitest';
import { acceptTotp, matchTotpStep } from '@/lib/auth/totp';
import { dialects, useFreshDb } from '@/tests/helpers/db';

const SECRET = 'JBSWY3DPEHPK3PXP';
const codeAt = (ms: number) => new TOTP({ secret: SECRET, digits: 6, period: 30 }).generate({ timestamp: ms });

describe('TOTP codes (RFC 6238)', () => {
  it('accept the current step and one either side, nothing further', () => {
    const now = Date.UTC(2026, 10, 25, 12, 0, 15);
    const step = Math.floor(now / 30_000);
    expect(matchTotpStep(SECRET, codeAt(now), now)).toBe(step);
    expect(matchTotpStep(SECRET, codeAt(now - 30_000), now)).toBe(step - 1);
    expect(matchTotpStep(SECRET, codeAt(now + 30_000), now)).toBe(step + 1);
    expect(matchTotpStep(SECRET, codeAt(now - 90_000), now)).toBeNull();
    expect(matchTotpStep(SECRET, 'abcdef', now)).toBeNull();
  });
});

describe.each(dialects())('a TOTP code works once, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });
  it('the same code is refused the second time, for the same user only', async () => {
    const code = codeAt(Date.now());
    expect(await acceptTotp(`u1-${dialect}`, SECRET, code)).toBe(true);
    expect(await acceptTotp(`u1-${dialect}`, SECRET, code)).toBe(false);
    expect(await acceptTotp(`u2-${dialect}`, SECRET, code)).toBe(true);
  });
});
