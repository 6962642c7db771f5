import { describe, expect, it } from 'vitest';
import { generatePassword } from '@/lib/passwords/generate';
import { assessPassword } from '@/lib/passwords/strength';

const ctx = { userInputs: ['ACC-1001', 'Acme Dental', 'acme-reception', 'dana@acme.example'], username: 'acme-reception', minScore: 3 };

describe('assessPassword (the same estimator and rules in the browser and on the server)', () => {
  it('refuses short, common and context-word passwords with the reason', () => {
    expect(assessPassword('password1', ctx)).toMatchObject({ acceptable: false });
    expect(assessPassword('acmedental2026!', ctx).problems.join(' ')).toMatch(/account number, company name/);
    expect(assessPassword('acmedental2026!', ctx).score).toBeLessThanOrEqual(1);
    expect(assessPassword('acme-reception', ctx).problems.join(' ')).toMatch(/SIP username/);
    expect(assessPassword('x'.repeat(129), ctx).problems.join(' ')).toMatch(/at most 128/);
  });
  it('accepts a passphrase and a generated password', () => {
    expect(assessPassword('correct horse battery staple', ctx).acceptable).toBe(true);
    expect(assessPassword(generatePassword(24), ctx).acceptable).toBe(true);
  });
  it('honours PASSWORD_MIN_SCORE', () => {
    const p = 'Tr0ub4dor&3xyz';
    const { score } = assessPassword(p, { ...ctx, minScore: 0 });
    expect(assessPassword(p, { ...ctx, minScore: score }).acceptable).toBe(true);
    if (score < 4) expect(assessPassword(p, { ...ctx, minScore: score + 1 }).acceptable).toBe(false);
  });
});

describe('generatePassword', () => {
  it('respects length bounds and the letters-and-digits option', () => {
    expect(generatePassword()).toHaveLength(24);
    expect(generatePassword(5)).toHaveLength(16);
    expect(generatePassword(500)).toHaveLength(64);
    for (let i = 0; i < 50; i++) expect(generatePassword(32, true)).toMatch(/^[A-Za-z0-9]{32}$/);
  });
  it('does not repeat itself', () => {
    const seen = new Set(Array.from({ length: 1000 }, () => generatePassword(16)));
    expect(seen.size).toBe(1000);
  });
});
