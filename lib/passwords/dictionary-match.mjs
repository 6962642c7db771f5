// @ts-check
// Plain JavaScript on purpose: both zxcvbn hosts load it, the meter's Web Worker (bundled by Next,
// components/sip/strength.worker.ts) and the server's scoring threads (lib/passwords/zxcvbn-worker.mjs,
// which Node loads as is, outside Next's bundles). Types: dictionary-match.d.mts.
import matching from 'zxcvbn/lib/matching.js';

// zxcvbn 4.4.2's dictionary matcher looks up every substring of the password in every dictionary:
// n(n+1)/2 slices per dictionary, and again for the reversed password and for each l33t reading of
// it. At 64 characters that is most of zxcvbn's time (p95 ≈ 33 ms a call in Chromium's meter
// worker, bench/meter-browser.ts; 3.8 s for the server's worst case of 64 look-alike symbols,
// bench/password-check.bench.ts). This module installs, once, a matcher that returns the same
// matches in the same order but stops extending a substring as soon as no dictionary word starts
// with it: on random input, after a character or two.
// tests/unit/dictionary-match.test.ts compares it with zxcvbn's own on hundreds of passwords.

/** @typedef {Record<string, number>} Ranked */
/** @typedef {ReturnType<typeof matching.dictionary_match>[number]} Match */

/**
 * Object.prototype's all-lowercase names: zxcvbn tests `word in dictionary`, so these "match" in the
 * original (a zxcvbn 4.4.2 quirk, kept so the results stay identical).
 */
const INHERITED = ['constructor', '__proto__'];

/** @type {WeakMap<Ranked, string[]>} */
let sortedKeys = new WeakMap();

/**
 * The dictionary's words (and INHERITED), sorted by UTF-16 code unit, made once per dictionary object.
 * @param {Ranked} dict
 * @returns {string[]}
 */
function keysOf(dict) {
  let keys = sortedKeys.get(dict);
  if (!keys) {
    keys = [...Object.keys(dict), ...INHERITED].sort();
    sortedKeys.set(dict, keys);
  }
  return keys;
}

/**
 * Whether some word in `keys` (sorted) starts with `s`: binary search for the first word ≥ s.
 * @param {string[]} keys
 * @param {string} s
 */
function isPrefix(keys, s) {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid] < s) lo = mid + 1;
    else hi = mid;
  }
  return lo < keys.length && keys[lo].startsWith(s);
}

// zxcvbn's own ranked dictionaries (module-private): reverse_dictionary_match hands its default
// argument straight to this.dictionary_match, so one call with a stand-in `this` shows it. The object
// is the one set_user_input_dictionary writes into, so it always carries the current user inputs.
/** @type {Record<string, Ranked>} */
let ranked = {};
matching.reverse_dictionary_match.call(
  {
    ...matching,
    dictionary_match: (/** @type {string} */ _, /** @type {Record<string, Ranked>=} */ d) => (
      (ranked = d ?? {}),
      []
    ),
  },
  '',
);

/**
 * zxcvbn 4.4.2's `dictionary_match(password, rankedDictionaries)`, pruned: for each start i it
 * extends j only while password[i..j] (lowercased) begins some dictionary word. Same matches, same
 * order (dictionaries in their order, then i, then j, then zxcvbn's sort by (i, j)).
 * @this {typeof matching}
 * @param {string} password
 * @param {Record<string, Ranked>} [rankedDictionaries]
 * @returns {Match[]}
 */
function prunedDictionaryMatch(password, rankedDictionaries = ranked) {
  /** @type {Match[]} */
  const matches = [];
  const len = password.length;
  const lower = password.toLowerCase();
  for (const dictionaryName in rankedDictionaries) {
    const dict = rankedDictionaries[dictionaryName];
    const keys = keysOf(dict);
    for (let i = 0; i < len; i++) {
      for (let j = i; j < len; j++) {
        const word = lower.slice(i, j + 1);
        if (!isPrefix(keys, word)) break;
        if (word in dict) {
          matches.push({
            pattern: 'dictionary',
            i,
            j,
            token: password.slice(i, j + 1),
            matched_word: word,
            rank: dict[word],
            dictionary_name: dictionaryName,
            reversed: false,
            l33t: false,
          });
        }
      }
    }
  }
  return this.sorted(matches);
}

/**
 * zxcvbn's own ranked dictionaries (word → rank, 1 = most common), the object its matchers read by
 * default: lib/passwords/dictionaries.mjs adds words to them. Whoever changes a dictionary must call
 * `forgetSortedWords()` so the pruned matcher sorts it again.
 * @returns {Record<string, Ranked>}
 */
export const zxcvbnRankedDictionaries = () => ranked;

/** Drops the pruned matcher's sorted copies of the dictionaries (after a dictionary changed). */
export function forgetSortedWords() {
  sortedKeys = new WeakMap();
}

/** zxcvbn's original matcher, for the equivalence test. */
export const originalDictionaryMatch = matching.dictionary_match;

/**
 * Installs the pruned matcher into zxcvbn's matcher module (idempotent). zxcvbn's omnimatch, its
 * reversed and l33t matchers all call `this.dictionary_match`, so every zxcvbn() call in this
 * JavaScript realm (one Web Worker, one worker thread) uses it from then on. Relies on zxcvbn
 * 4.4.2's internals: the version is pinned in package.json and the unit test fails if they change.
 * @returns {void}
 */
export function installPrunedDictionaryMatch() {
  matching.dictionary_match = prunedDictionaryMatch;
}

/** Whether the pruned matcher is installed in this realm's zxcvbn (for the tests). */
export function prunedDictionaryMatchInstalled() {
  return matching.dictionary_match === prunedDictionaryMatch;
}
