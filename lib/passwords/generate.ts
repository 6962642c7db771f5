// Runs in the browser (and in tests): crypto.getRandomValues is a CSPRNG in both.
import type { Note } from '@/lib/i18n/note';
import { contextWordIn } from './words';

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
 * is 10 a character), and a draw it finds a pattern in lower: in 3 000 draws a length (21, 27 and 33
 * characters, both alphabets, measured 2026-12-05) 1 in 100 fell 1 power of ten short, 1 in 1 000
 * about 2, the worst 2.5; a word hidden in the draw ("D4ViD" is "david") can take 3. So 3 characters
 * over the rule, and the form draws again what the rule still refuses (GENERATED_REDRAWS). Above 29
 * that is longer than GENERATED_PHONE_SAFE_MAX, and the form says so.
 */
export function generatedLengthFor(minGuessesLog10: number): number {
  return Math.min(GENERATED_MAX, Math.max(GENERATED_MIN, Math.ceil(minGuessesLog10) + 3));
}

/** Draws in a row the form makes of a generated password the rule refuses, before the meter says why. */
export const GENERATED_REDRAWS = 20;

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
 * context words, compared as the server compares them: words.ts contextWordIn, without case or
 * accents, so "Peñalara" keeps "penalara" out) is drawn again, so the server never refuses it for that.
 */
export function generatePassword(
  length = GENERATED_DEFAULT,
  lettersAndDigitsOnly = false,
  avoid: string[] = [],
): string {
  const n = Math.min(GENERATED_MAX, Math.max(GENERATED_MIN, Math.floor(length)));
  const alphabet = lettersAndDigitsOnly ? LETTERS_DIGITS : LETTERS_DIGITS + SEPARATORS;
  const limit = 256 - (256 % alphabet.length);
  for (;;) {
    let out = '';
    while (out.length < n) {
      const bytes = crypto.getRandomValues(new Uint8Array(n * 2));
      for (const b of bytes) if (b < limit && out.length < n) out += alphabet[b % alphabet.length];
    }
    if (contextWordIn(out, avoid) === null) return out;
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
