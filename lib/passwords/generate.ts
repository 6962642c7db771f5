// Runs in the browser (and in tests): crypto.getRandomValues is a CSPRNG in both.
export const GENERATED_MIN = 16;
export const GENERATED_MAX = 64;
export const GENERATED_DEFAULT = 24;

const LETTERS_DIGITS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
const SYMBOLS = '-_.!@#%+=:';

/** Uniform choice from the alphabet (rejection sampling: no modulo bias). */
export function generatePassword(length = GENERATED_DEFAULT, lettersAndDigitsOnly = false): string {
  const n = Math.min(GENERATED_MAX, Math.max(GENERATED_MIN, Math.floor(length)));
  const alphabet = lettersAndDigitsOnly ? LETTERS_DIGITS : LETTERS_DIGITS + SYMBOLS;
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < n) {
    const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
    for (const b of bytes) if (b < limit && out.length < n) out += alphabet[b % alphabet.length];
  }
  return out;
}
