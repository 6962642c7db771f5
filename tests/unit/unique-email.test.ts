import { describe, expect, it } from 'vitest';
import { contextWords } from '@/lib/passwords/words';
import { uniqueEmail } from '@/tests/helpers/unique';

// The tests' addresses are context words to the password rules: their random part must not give a
// word a fixed test password could contain by chance (a dashed UUID gave "4410", and a password with
// "4410" in it was refused now and then).
describe('uniqueEmail', () => {
  it('gives no random word shorter than 32 characters, in 1 000 addresses', () => {
    for (let i = 0; i < 1000; i++) {
      const email = uniqueEmail('cp');
      expect(email).toMatch(/^cp-[0-9a-f]{32}@t\.example$/);
      const short = contextWords([email]).filter((w) => /^[0-9a-f]+$/.test(w) && w.length < 32);
      expect(short).toEqual([]);
    }
  });

  it('keeps the local part and domain it is given', () => {
    expect(uniqueEmail(`sip-alert-1`, 'xn--clnica-peasco-xib1e.es')).toMatch(
      /^sip-alert-1-[0-9a-f]{32}@xn--clnica-peasco-xib1e\.es$/,
    );
  });
});
