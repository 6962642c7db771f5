import 'server-only';
import { hash, verify } from '@node-rs/argon2';

// argon2id (the library default) with OWASP's minimum cost: 19 MiB, 2 iterations.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, OPTIONS);

// A real hash of a random string, so unknown emails cost the same time as known ones (no enumeration).
let dummy: Promise<string> | undefined;

export async function verifyPassword(
  hashValue: string | null | undefined,
  password: string,
): Promise<boolean> {
  if (!hashValue) {
    dummy ??= hashPassword(crypto.randomUUID());
    await verify(await dummy, password).catch(() => false);
    return false;
  }
  return verify(hashValue, password).catch(() => false);
}
