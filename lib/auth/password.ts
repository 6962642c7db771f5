import 'server-only';
import { hash, verify } from '@node-rs/argon2';

// argon2id (the library default) with OWASP's minimum cost: 19 MiB, 2 iterations.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * A password as it is hashed and compared: Unicode NFKC (NIST SP 800-63B §5.1.1.2: "the verifier
 * SHOULD apply the Normalization Process for Stabilized Strings using either the NFKC or NFKD
 * normalization"). "ñ" is one code point typed on one keyboard and two ("n" and a combining tilde)
 * pasted from another (macOS file names, some input methods): without it, "Contraseña" set one way
 * was "not correct" typed the other way.
 */
export const normalizedPassword = (password: string) => password.normalize('NFKC');

/** The argon2id hash (PHC string) of `password`, normalized (normalizedPassword). */
export const hashPassword = (password: string) => hash(normalizedPassword(password), OPTIONS);

// A real hash of a random string, so unknown emails cost the same time as known ones (no enumeration).
let dummy: Promise<string> | undefined;

/**
 * Whether `password` is the one `hashValue` (argon2id PHC string) was made from; false for no hash
 * (after the same work as a real check) or a malformed one. The normalized password is compared
 * first; a hash set before passwords were normalized (2026-12-05) may hold the password exactly as
 * typed then, so one typed with the same unnormalized characters is compared as it is too.
 */
export async function verifyPassword(
  hashValue: string | null | undefined,
  password: string,
): Promise<boolean> {
  const normalized = normalizedPassword(password);
  if (!hashValue) {
    dummy ??= hashPassword(crypto.randomUUID());
    await verify(await dummy, normalized).catch(() => false);
    return false;
  }
  if (await verify(hashValue, normalized).catch(() => false)) return true;
  return normalized !== password && verify(hashValue, password).catch(() => false);
}
