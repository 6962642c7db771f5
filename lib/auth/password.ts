import 'server-only';
import { hash, verify } from '@node-rs/argon2';
import { normalizedPassword } from '@/lib/passwords/normalize';

// argon2id (the library default) with OWASP's minimum cost: 19 MiB, 2 iterations.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// One normalization for judging, hashing and comparing (lib/passwords/normalize.ts).
export { normalizedPassword };

/** The argon2id hash (PHC string) of `password`, normalized (normalizedPassword). */
export const hashPassword = (password: string) => hash(normalizedPassword(password), OPTIONS);

// A real hash of a random string, so unknown emails cost the same time as known ones (no enumeration).
let dummy: Promise<string> | undefined;

/**
 * Whether `password` is the one `hashValue` (argon2id PHC string) was made from; false for no hash
 * or a malformed one. The normalized password is compared first; a hash set before passwords were
 * normalized (2026-12-05) may hold the password exactly as typed then, so one typed with unnormalized
 * characters is compared as it is too. No hash costs the same work as a wrong password (one argon2
 * verification, two when the typed password is not normalized), so the time of the answer does not
 * tell which emails have an account.
 */
export async function verifyPassword(
  hashValue: string | null | undefined,
  password: string,
): Promise<boolean> {
  const normalized = normalizedPassword(password);
  const forms = normalized === password ? [normalized] : [normalized, password];
  if (!hashValue) {
    dummy ??= hashPassword(crypto.randomUUID());
    const against = await dummy;
    for (const form of forms) await verify(against, form).catch(() => false);
    return false;
  }
  for (const form of forms) if (await verify(hashValue, form).catch(() => false)) return true;
  return false;
}
