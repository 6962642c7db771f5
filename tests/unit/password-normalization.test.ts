import { hash } from '@node-rs/argon2';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '@/lib/auth/password';

// Review, session 39: "Contraseña" set with a precomposed "ñ" was "not correct" typed or pasted with
// "n" and a combining tilde (and the reverse). RFC 8265 §4.2.2: NFC before hashing and comparing.
const PRECOMPOSED = 'Contrase\u00f1a-Ma\u00f1ana-Pi\u00f1a-7';
const DECOMPOSED = 'Contrasen\u0303a-Man\u0303ana-Pin\u0303a-7';

describe('portal passwords are compared in Unicode NFC (RFC 8265 OpaqueString)', () => {
  it('a password set with one form of "ñ" is the same password typed with the other', async () => {
    expect(PRECOMPOSED).not.toBe(DECOMPOSED);
    const set = await hashPassword(PRECOMPOSED);
    expect(await verifyPassword(set, DECOMPOSED)).toBe(true);
    expect(await verifyPassword(set, PRECOMPOSED)).toBe(true);
    expect(await verifyPassword(await hashPassword(DECOMPOSED), PRECOMPOSED)).toBe(true);
  });

  // Review, session 39: NFKC mapped full-width "ｐａｓｓｗｏｒｄ１２３４" (scored strong as typed) to the
  // weak "password1234" it was then stored as. RFC 8265 maps no widths: they stay other passwords.
  it('compatibility forms are other passwords (full-width letters, the "ﬁ" ligature)', async () => {
    const set = await hashPassword(
      '\uff50\uff41\uff53\uff53\uff57\uff4f\uff52\uff44\uff11\uff12\uff13\uff14',
    );
    expect(await verifyPassword(set, 'password1234')).toBe(false);
    expect(await verifyPassword(await hashPassword('Oficina-Elevada-2026'), 'O\ufb01cina-Elevada-2026')).toBe(
      false,
    );
  });

  it('a hash made before normalization still takes the password typed as it was then', async () => {
    const legacy = await hash(DECOMPOSED, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    expect(await verifyPassword(legacy, DECOMPOSED)).toBe(true);
  });

  it('another password is still refused, and no hash costs a check and says no', async () => {
    const set = await hashPassword(PRECOMPOSED);
    expect(await verifyPassword(set, 'Contrasena-Manana-Pina-7')).toBe(false);
    expect(await verifyPassword(null, PRECOMPOSED)).toBe(false);
    expect(await verifyPassword('not a hash', PRECOMPOSED)).toBe(false);
  });
});
