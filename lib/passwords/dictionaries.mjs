// @ts-check
// Plain JavaScript on purpose, like dictionary-match.mjs: the meter's Web Worker (through
// lib/passwords/strength.ts) and the server's scoring threads (lib/passwords/zxcvbn-worker.mjs, loaded
// by Node outside Next's bundles) both run it, so both hosts score with the same words.
// Types: dictionaries.d.mts.
import spanishCommonWords from '@zxcvbn-ts/language-es-es/dist/commonWords.json.mjs';
import spanishFirstNames from '@zxcvbn-ts/language-es-es/dist/firstnames.json.mjs';
import spanishLastNames from '@zxcvbn-ts/language-es-es/dist/lastnames.json.mjs';
import { withoutAccents } from './accents.mjs';
import { forgetSortedWords, zxcvbnRankedDictionaries } from './dictionary-match.mjs';

// Kept here too, for callers that already read it from this module (lib/passwords/accents.mjs).
export { withoutAccents };

// zxcvbn 4.4.2 knows English only: its frequency lists are English passwords, English Wikipedia, US
// names and US television. The provider's customers are in Spain and Latin America as much as
// anywhere, and "Contraseña2024", "MiCorazon-1985" or "Barcelona-Rodriguez" were scored as if each
// Spanish word were random letters (tests/unit/password-languages.test.ts has the figures).
// This adds the Spanish lists of zxcvbn-ts's language package (@zxcvbn-ts/language-es-es, MIT; its
// common words are word frequencies of OpenSubtitles 2024 via OPUS, ODC-BY: see docs/sip-passwords.md,
// "Languages") to zxcvbn's own dictionaries, ranked by their frequency as zxcvbn ranks its own:
// - common words → `english_wikipedia` (39,799 words, the most frequent first);
// - first names → `male_names`, last names → `surnames`;
// filtered as zxcvbn filters its own lists (`addRanked`).
// zxcvbn scores a dictionary match by its rank whatever the list, and words the warnings by the list's
// name: a Spanish word alone is then "A word by itself is easy to guess", a Spanish name alone "Names
// and surnames by themselves are easy to guess" (zxcvbn gives male_names, female_names and surnames
// the same warnings), sentences the catalogues already put in each reader's language. A word zxcvbn
// has already, at a lower (more common) rank, keeps it. Each word also counts without its accents and tilde
// ("corazón" → "corazon", "contraseña" → "contrasena"): people type passwords on keyboards and phones
// that make accents a chore, and an attacker's list has both forms.
// The Portuguese package (@zxcvbn-ts/language-pt-br) is left out: the portal speaks English and
// Spanish, and each language adds about 190 KB (gzip) to what the meter's worker downloads.

/** The lists and the zxcvbn dictionary each one joins. */
const LISTS = /** @type {const} */ ([
  ['english_wikipedia', spanishCommonWords],
  ['male_names', spanishFirstNames],
  ['surnames', spanishLastNames],
]);

let installed = false;

/** Shorter words add matches, not protection: as a part of a password zxcvbn counts 50 guesses for any. */
const MIN_WORD_LENGTH = 3;

/**
 * Adds `words` (most frequent first) to `ranked[name]` (word → rank, 1 = most common), each word and
 * its form without accents at rank = position + 1. A word is left out when it adds a match and no
 * protection:
 * - when zxcvbn would guess it as fast by brute force: zxcvbn scores a brute-force run of n characters
 *   at 10^n guesses (scoring.js BRUTEFORCE_CARDINALITY), so a word is kept only when 10^length exceeds
 *   its rank (zxcvbn's own lists were cut the same way at 26^length, data-scripts/
 *   build_frequency_lists.py `filter_short`);
 * - when one of zxcvbn's lists has it at the same or a lower rank (`filter_dup` there);
 * - when it is shorter than MIN_WORD_LENGTH.
 * zxcvbn's scoring time grows with the matches it finds. In random 24–64 character passwords it found
 * 8.4 dictionary matches on its own lists, 43.6 with every Spanish word added, 10.4 with `filter_short`
 * and `filter_dup` as zxcvbn applies them, and 8.9 with these rules, with the same guesses for every
 * Spanish password in docs/sip-passwords.md.
 * @param {Record<string, Record<string, number>>} ranked zxcvbn's ranked dictionaries
 * @param {string} name the one that takes the words
 * @param {readonly string[]} words
 * @returns {void}
 */
function addRanked(ranked, name, words) {
  const dict = ranked[name];
  // zxcvbn's frequency lists, not the user inputs of whatever call came before.
  const lists = Object.entries(ranked)
    .filter(([n]) => n !== 'user_inputs')
    .map(([, d]) => d);
  for (let k = 0; k < words.length; k++) {
    const rank = k + 1;
    const word = words[k].toLowerCase();
    if (word.length < MIN_WORD_LENGTH || 10 ** word.length <= rank) continue;
    for (const w of word === withoutAccents(word) ? [word] : [word, withoutAccents(word)]) {
      // zxcvbn's dictionaries are plain objects: a word "__proto__" would set their prototype.
      if (w === '__proto__') continue;
      if (lists.some((d) => Object.hasOwn(d, w) && d[w] <= rank)) continue;
      dict[w] = rank;
    }
  }
}

/**
 * Adds the Spanish word lists to zxcvbn's dictionaries in this JavaScript realm (idempotent; ≈ 50 ms
 * the first time). Every zxcvbn call of the portal goes through `estimate()` (lib/passwords/strength.ts)
 * or the scoring thread (zxcvbn-worker.mjs), and both call this first, so the meter, the server's check
 * and the operator CLI give one verdict.
 * @returns {void}
 */
export function installLanguageDictionaries() {
  if (installed) return;
  const ranked = zxcvbnRankedDictionaries();
  for (const [name, words] of LISTS) addRanked(ranked, name, words);
  forgetSortedWords();
  installed = true;
}
