// Types of lib/passwords/dictionary-match.mjs (plain JavaScript, shared by the meter's Web Worker and
// the server's scoring threads).
import type matching from 'zxcvbn/lib/matching.js';

/** zxcvbn's original matcher, for the equivalence test. */
export const originalDictionaryMatch: typeof matching.dictionary_match;
/** Installs the pruned matcher into this realm's zxcvbn (idempotent); see the module's comment. */
export function installPrunedDictionaryMatch(): void;
/** Whether the pruned matcher is installed in this realm's zxcvbn. */
export function prunedDictionaryMatchInstalled(): boolean;
/** zxcvbn's own ranked dictionaries (word → rank, 1 = most common), the object its matchers read. */
export function zxcvbnRankedDictionaries(): Record<string, Record<string, number>>;
/** Drops the pruned matcher's sorted copies of the dictionaries (after a dictionary changed). */
export function forgetSortedWords(): void;
