import type { Note } from '@/lib/i18n/note';
import { withoutAccents } from './accents.mjs';

// The small, zxcvbn-free part of the password rules (lib/passwords/strength.ts re-exports it): the
// browser's page code imports it from here, and only the meter's Web Worker loads zxcvbn.

/** The meter's words for levels 0–4: catalogue keys strength.0 … strength.4. */
export const levelLabel = (level: number): Note => ({ key: `strength.${level}` });

/** Shorter words would refuse too many passwords by chance ("acme" is the shortest a name gives). */
const MIN_WORD_LENGTH = 4;

/**
 * Letters (with their combining marks) and digits of any script: a word of a company name is a run of
 * them. Split on ASCII letters only, "Clínica Dental Peñalara" gave "nica" and "alara", fragments that
 * refused "Monica-…" for that account and capped its meter at Weak.
 */
const NOT_WORD = /[^\p{L}\p{M}\p{N}]+/u;

/** `text` as context words are compared: composed (NFC), lower case, without accents ("Cli\u0301nica" → "clinica"). */
const folded = (text: string) => withoutAccents(text.normalize('NFC').toLowerCase());

/**
 * Words of the account (number, company, SIP username, email) that must not carry a password (NIST
 * SP 800-63B §3.1.1.2, context-specific words): each input whole and each of its words of at least
 * MIN_WORD_LENGTH letters or digits, in lower case and composed (NFC), each also without its accents
 * ("Clínica Dental Peñalara" → "clínica dental peñalara", "clinica dental penalara", "clínica",
 * "clinica", "dental", "peñalara", "penalara"). Both spellings go to zxcvbn as user inputs (it compares
 * the lower-case password with them letter for letter); `contextWordIn` compares without accents.
 * Null, undefined and empty inputs are skipped.
 */
export function contextWords(inputs: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  const add = (word: string) => {
    if (word.length < MIN_WORD_LENGTH) return;
    words.add(word);
    words.add(withoutAccents(word));
  };
  for (const input of inputs) {
    if (!input) continue;
    const lower = input.normalize('NFC').toLowerCase();
    add(lower);
    for (const part of lower.split(NOT_WORD)) add(part);
  }
  return [...words];
}

/**
 * The first of `words` (contextWords' output, or any words) that `password` contains, compared in
 * lower case and without accents on both sides, so "Clínica", "Clinica", "CLINICA" and a decomposed
 * "Cli\u0301nica" all carry "clínica"; null when none does (empty words never match). The server's
 * verdict (rules.ts judgePassword), the meter's (the same function in its Web Worker) and the
 * generator (generate.ts) all compare with it, so none of them refuses what another accepts.
 */
export function contextWordIn(password: string, words: string[]): string | null {
  const text = folded(password);
  return words.find((w) => w !== '' && text.includes(folded(w))) ?? null;
}
