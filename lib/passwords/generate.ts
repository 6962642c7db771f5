// Runs in the browser (and in tests): crypto.getRandomValues is a CSPRNG in both.
import type { Note } from '@/lib/i18n/note';

/** Generated SIP passwords: 20–32 characters fit every phone we know of; longer ones come with a note. */
export const GENERATED_MIN = 20;
export const GENERATED_DEFAULT = 24;
/** Longest length every endpoint takes (Linphone caps its field at 34 characters, some Cisco models lower). */
export const GENERATED_PHONE_SAFE_MAX = 32;
export const GENERATED_MAX = 64;

/**
 * The shortest generated password that passes a SIP rule of 10^`minGuessesLog10` guesses
 * (SIP_PASSWORD_MIN_GUESSES_LOG10, 10 to 40): at least GENERATED_MIN, at most GENERATED_MAX. zxcvbn
 * rates a random draw with no pattern in it at about 10^length guesses (its brute-force cardinality
 * is 10 a character), and a draw it finds a short pattern in up to about 1.5 powers of ten lower
 * (200 draws a length, 20 to 32 characters, measured 2026-12-05); 3 characters over the rule keep
 * every draw above it. Above 29 that is longer than GENERATED_PHONE_SAFE_MAX, and the form says so.
 */
export function generatedLengthFor(minGuessesLog10: number): number {
  return Math.min(GENERATED_MAX, Math.max(GENERATED_MIN, Math.ceil(minGuessesLog10) + 3));
}

const LETTERS_DIGITS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
/**
 * Separators every endpoint and provisioning format accepts: RFC 3986 "unreserved" marks, which need
 * no escaping in a SIP URI, an XML or INI provisioning file, a URL or a shell. None of the characters
 * lib/passwords/sip-characters.ts warns about.
 */
const SEPARATORS = '-_.';

/**
 * A random password of `length` characters (clamped to GENERATED_MIN..GENERATED_MAX), uniform over
 * letters and digits without look-alikes, plus "-_." unless `lettersAndDigitsOnly` (for keypads).
 * Rejection sampling: no modulo bias. A draw that happens to contain one of `avoid` (the account's
 * context words, compared case-insensitively) is drawn again, so the server never refuses it for that.
 */
export function generatePassword(
  length = GENERATED_DEFAULT,
  lettersAndDigitsOnly = false,
  avoid: string[] = [],
): string {
  const n = Math.min(GENERATED_MAX, Math.max(GENERATED_MIN, Math.floor(length)));
  const alphabet = lettersAndDigitsOnly ? LETTERS_DIGITS : LETTERS_DIGITS + SEPARATORS;
  const limit = 256 - (256 % alphabet.length);
  const words = avoid.map((w) => w.toLowerCase()).filter(Boolean);
  for (;;) {
    let out = '';
    while (out.length < n) {
      const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
      for (const b of bytes) if (b < limit && out.length < n) out += alphabet[b % alphabet.length];
    }
    const lower = out.toLowerCase();
    if (!words.some((w) => lower.includes(w))) return out;
  }
}

/** The note (lib/i18n/note.ts) for a length beyond GENERATED_PHONE_SAFE_MAX, or null when every phone takes it. */
export function lengthNote(length: number): Note | null {
  if (length <= GENERATED_PHONE_SAFE_MAX) return null;
  // Linphone caps the field at 34 characters, some Cisco models lower (password.generate.lengthNote).
  return {
    key: 'password.generate.lengthNote',
    values: { length: Math.min(GENERATED_MAX, Math.floor(length)), safe: GENERATED_PHONE_SAFE_MAX },
  };
}
