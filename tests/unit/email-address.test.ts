import { describe, expect, it } from 'vitest';
import { asciiEmail, displayEmail, emailSchema } from '@/lib/auth/email-address';
import { signInSchema } from '@/lib/auth/sign-in';

// Review 9 item 8: Spanish and Latin American businesses use IDN mail domains (.es has allowed ñ and
// accents since 2007). One schema for every email field stores one form: the domain in ASCII (xn--).

const U_LABEL = 'ana@clínica-peñasco.es';
const A_LABEL = 'ana@xn--clnica-peasco-xib1e.es';

describe('the one email schema', () => {
  const schema = emailSchema({ required: 'req', tooLong: 'long', invalid: 'bad' });
  const out = (v: unknown) => {
    const r = schema.safeParse(v);
    return r.success ? r.data : r.error.issues.map((i) => i.message).join(',');
  };

  it('stores a Unicode domain in its ASCII form, so both spellings are one login', () => {
    expect(new URL(`http://${U_LABEL.split('@')[1]}`).hostname).toBe(A_LABEL.split('@')[1]);
    expect(out(U_LABEL)).toBe(A_LABEL);
    expect(out(A_LABEL)).toBe(A_LABEL);
    expect(out('  Ana@CLÍNICA-Peñasco.ES ')).toBe(A_LABEL);
    expect(out('dana@acme.example')).toBe('dana@acme.example');
    expect(out('o.brien+tag@Müller.de')).toBe('o.brien+tag@xn--mller-kva.de');
  });

  // Review, session 33: a top-level domain that is itself internationalised (.рф, .中国, .ελ, .مصر)
  // became an `xn--` label that zod's pattern (letters only) refused, so such a login could not exist.
  it('takes an internationalised top-level domain, in either spelling', () => {
    for (const [typed, stored] of [
      ['ivan@пример.рф', 'ivan@xn--e1afmkfd.xn--p1ai'],
      ['ivan@xn--e1afmkfd.xn--p1ai', 'ivan@xn--e1afmkfd.xn--p1ai'],
      ['li@例子.中国', 'li@xn--fsqu00a.xn--fiqs8s'],
      ['nikos@παράδειγμα.ελ', 'nikos@xn--hxajbheg2az3al.xn--qxam'],
      ['ana@correo.xn--p1ai', 'ana@correo.xn--p1ai'],
    ])
      expect(out(typed), typed).toBe(stored);
    expect(displayEmail('ivan@xn--e1afmkfd.xn--p1ai')).toBe('ivan@пример.рф');
    // Not a label: a bare or broken `xn--`, a dash at the end, a dot at the end.
    for (const bad of ['a@b.xn--', 'a@b.xn--p1ai-', 'a@b.xn--p1ai.', 'a@b.x', 'a@b.1com'])
      expect(out(bad), bad).toMatch(/^(bad|Invalid input.*)$/);
  });

  it('refuses what it refused before, with the caller’s words', () => {
    expect(out('')).toBe('req');
    for (const bad of ['ana', 'ana@', '@x.es', 'año@x.es', 'ana@x', 'ana@exa mple.es', 'a@b@c.es', 42])
      expect(out(bad), String(bad)).toMatch(/^(bad|Invalid input.*)$/);
    expect(out(`${'a'.repeat(250)}@x.es`)).toBe('long');
    // Under 254 as typed, over once the domain is in ASCII.
    const label = `${'ñüéàöçíõ'.repeat(3)}x`;
    const domain = `${Array(5).fill(label).join('.')}.es`;
    const long = `${'a'.repeat(253 - domain.length)}@${domain}`;
    expect(long).toHaveLength(254);
    expect(out(long)).toBe('long');
  });

  it('sign-in reads the address as the person writes it', () => {
    expect(signInSchema.parse({ email: U_LABEL, password: 'x' }).email).toBe(A_LABEL);
  });

  it('shows a stored address as a person writes it', () => {
    expect(displayEmail(A_LABEL)).toBe(U_LABEL);
    expect(displayEmail('dana@acme.example')).toBe('dana@acme.example');
    expect(displayEmail('xn--odd@acme.example')).toBe('xn--odd@acme.example');
    expect(asciiEmail('ana@')).toBeNull();
  });
});
