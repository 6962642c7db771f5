// zxcvbn 4.4.2 speaks English only: its feedback is a fixed set of sentences (src/feedback.coffee) and
// its crack times are built by display_time (src/time_estimates.coffee). Here each sentence has a
// catalogue key (messages/*.json → password.feedback.*), and crack times are rebuilt from seconds with
// the same thresholds as ICU plurals (password.time.*), so the meter reads in the viewer's language.
// tests/unit/password-feedback.test.ts fails when the library can produce a sentence this map lacks.
// Isomorphic: the browser meter's worker and the server import it.

/** zxcvbn's English warning or suggestion → key under `password.feedback` in the catalogues. */
export const ZXCVBN_FEEDBACK = {
  'Use a few words, avoid common phrases': 'fewWords',
  'No need for symbols, digits, or uppercase letters': 'noNeedForSymbols',
  'Add another word or two. Uncommon words are better.': 'addWord',
  'Straight rows of keys are easy to guess': 'straightRows',
  'Short keyboard patterns are easy to guess': 'shortKeyboardPatterns',
  'Use a longer keyboard pattern with more turns': 'longerKeyboardPattern',
  'Repeats like "aaa" are easy to guess': 'repeatsSingle',
  'Repeats like "abcabcabc" are only slightly harder to guess than "abc"': 'repeatsGroup',
  'Avoid repeated words and characters': 'avoidRepeats',
  'Sequences like abc or 6543 are easy to guess': 'sequences',
  'Avoid sequences': 'avoidSequences',
  'Recent years are easy to guess': 'recentYears',
  'Avoid recent years': 'avoidRecentYears',
  'Avoid years that are associated with you': 'avoidYearsAssociated',
  'Dates are often easy to guess': 'dates',
  'Avoid dates and years that are associated with you': 'avoidDates',
  'This is a top-10 common password': 'top10',
  'This is a top-100 common password': 'top100',
  'This is a very common password': 'veryCommon',
  'This is similar to a commonly used password': 'similarToCommon',
  'A word by itself is easy to guess': 'wordByItself',
  'Names and surnames by themselves are easy to guess': 'namesByThemselves',
  'Common names and surnames are easy to guess': 'commonNames',
  "Capitalization doesn't help very much": 'capitalization',
  'All-uppercase is almost as easy to guess as all-lowercase': 'allUppercase',
  "Reversed words aren't much harder to guess": 'reversedWords',
  "Predictable substitutions like '@' instead of 'a' don't help very much": 'substitutions',
} as const satisfies Record<string, string>;

export type FeedbackKey = (typeof ZXCVBN_FEEDBACK)[keyof typeof ZXCVBN_FEEDBACK];

/** The catalogue key (under `password.feedback`) of one of zxcvbn's sentences; null for anything else. */
export function feedbackKey(sentence: string): FeedbackKey | null {
  return Object.hasOwn(ZXCVBN_FEEDBACK, sentence)
    ? ZXCVBN_FEEDBACK[sentence as keyof typeof ZXCVBN_FEEDBACK]
    : null;
}

/** A crack time as a catalogue message: key under `password.time`, and `n` for the plural ones. */
export type CrackTime =
  | { key: 'lessThanSecond' | 'centuries' }
  | { key: 'seconds' | 'minutes' | 'hours' | 'days' | 'months' | 'years'; n: number };

const MINUTE = 60;
const HOUR = MINUTE * 60;
const DAY = HOUR * 24;
const MONTH = DAY * 31;
const YEAR = MONTH * 12;
const CENTURY = YEAR * 100;

/**
 * `seconds` (zxcvbn's crack_times_seconds for a scenario) in the largest whole unit, exactly as
 * zxcvbn 4.4.2's display_time rounds it (months of 31 days, years of 12 such months).
 */
export function crackTime(seconds: number): CrackTime {
  if (seconds < 1) return { key: 'lessThanSecond' };
  if (seconds < MINUTE) return { key: 'seconds', n: Math.round(seconds) };
  if (seconds < HOUR) return { key: 'minutes', n: Math.round(seconds / MINUTE) };
  if (seconds < DAY) return { key: 'hours', n: Math.round(seconds / HOUR) };
  if (seconds < MONTH) return { key: 'days', n: Math.round(seconds / DAY) };
  if (seconds < YEAR) return { key: 'months', n: Math.round(seconds / MONTH) };
  if (seconds < CENTURY) return { key: 'years', n: Math.round(seconds / YEAR) };
  return { key: 'centuries' };
}
