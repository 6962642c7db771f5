import type { ZXCVBNResult } from 'zxcvbn';
import type { Note } from '@/lib/i18n/note';
import { crackTime as crackTimeNote, feedbackKey } from './feedback';
import { sipCharacterProblems } from './sip-characters';
import { contextWordIn, contextWords, levelLabel } from './words';

// The password rules without the estimator: lengths, the Assessment a page shows, and the verdict on
// zxcvbn's estimate (judgePassword). No zxcvbn here: the server's request thread imports this module
// (lib/passwords/check.ts scores in a worker thread), and loading zxcvbn's dictionaries and the
// Spanish lists there cost about 0.2 s of a core per process for nothing. lib/passwords/strength.ts
// adds the estimator and re-exports this module, for the meter's Web Worker and the operator CLI.
// Every word it produces is a Note (lib/i18n/note.ts): the meter and the server's messages put them in
// the reader's language; this module carries no catalogue, so the worker stays small.

export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;
/** zxcvbn's time grows fast with length (≈110 ms at 64 chars); beyond this the prefix decides. */
export const SCORED_LENGTH = 64;

/**
 * Which rule a password must meet.
 * - Portal passwords: a zxcvbn score (0–4, PASSWORD_MIN_SCORE); the crack time shown is zxcvbn's
 *   offline slow-hashing scenario (10^4 guesses/s: the portal stores argon2id hashes).
 * - SIP passwords: zxcvbn guesses, as log10 (SIP_PASSWORD_MIN_GUESSES_LOG10, default 18). A digest
 *   exchange captured on the wire is MD5 (RFC 3261 §22.4, RFC 2617) and is cracked offline at ~10^10
 *   guesses/s on one GPU, and a phone never has to remember its password: the crack time shown is
 *   zxcvbn's offline_fast_hashing_1e10_per_second, and the characters some phones cannot take are refused.
 */
export type PasswordRule = { minScore: number } | { sipMinGuessesLog10: number };

export type Assessment = {
  /** zxcvbn's score (0–4), capped at 1 when the password carries the account's own words. */
  score: 0 | 1 | 2 | 3 | 4;
  /** The meter's level (0–4) under the rule: the score for portal passwords, the guesses for SIP ones. */
  level: 0 | 1 | 2 | 3 | 4;
  /** log10 of zxcvbn's guesses. */
  guessesLog10: number;
  /** The crack time for the rule's attack ("21 minutes", "centuries"), as zxcvbn rounds it. */
  crackTime: Note;
  /** What the rule asks for ("Strong", "10^18 guesses (about 3 years on one GPU)"). */
  required: Note;
  /** zxcvbn's warning and suggestions (password.feedback.*); sentences the map lacks are dropped. */
  warning: Note | null;
  suggestions: Note[];
  /** Why the password is refused, one sentence each; empty when acceptable. */
  problems: Note[];
  /**
   * Whether the password is as hard to guess as the rule asks, whatever else refuses it: false means
   * `problems` names its strength; true with `acceptable` false means only other problems refuse it
   * (characters a phone cannot take, its length, the username), and the meter says so, not "needs …".
   */
  strongEnough: boolean;
  acceptable: boolean;
};

// The meter's level words and the account's context words live in ./words (no catalogue, no rules), so
// the browser components that need them stay small; they are re-exported here.
export { contextWordIn, contextWords, levelLabel } from './words';

const YEAR_S = 365.25 * 86_400;

/**
 * 10^exp as people say it, for a page, a mail or a screen reader (never "10^18", read "ten caret
 * eighteen"): password.powerOfTen words it in each language's own scale, "a quintillion" in English
 * (short scale, 10^18) and "un trillón" in Spanish (long scale, the same 10^18). `exp` is a whole
 * number, 6 to 40 in words (beyond, "ten to the power of 41").
 */
export function powerOfTen(exp: number): Note {
  return { key: 'password.powerOfTen', values: { exp } };
}

/**
 * How many unusual words a passphrase needs to reach a SIP rule of 10^`minGuessesLog10` guesses, as
 * the reset form's hint says it (reset.hint `words`): one word per 4 powers of ten, rounded up (5 for
 * the default 10^18). zxcvbn rates a word of its dictionaries by its rank, and a word it does not
 * know by its length (10 guesses a character): hyphen-joined words of ranks 2 000 to 20 000, 4 letters
 * or more, scored about 10^5 to 10^6 each (tests/unit/password-hints-true.test.ts), so a passphrase of
 * this many clears the rule with room for a commoner word. Very common words ("the", "love") are not
 * "unusual", and the meter says so.
 */
export function passphraseWordsFor(minGuessesLog10: number): number {
  return Math.ceil(minGuessesLog10 / 4);
}

/** "about 3 years on one GPU": how long 10^log10 guesses take at 10^10 guesses/s (password.gpu.*). */
export function gpuTime(log10: number): Note {
  const years = 10 ** (log10 - 10) / YEAR_S;
  if (years >= 1e6)
    return { key: 'password.gpu.yearsPower', values: { count: powerOfTen(Math.round(Math.log10(years))) } };
  if (years >= 1) return { key: 'password.gpu.years', values: { n: Math.round(years) } };
  const days = Math.round((years * YEAR_S) / 86_400);
  return days >= 1 ? { key: 'password.gpu.days', values: { n: days } } : { key: 'password.gpu.lessThanDay' };
}

/** zxcvbn's feedback sentence as a Note; null for an empty or unmapped one (tests/unit/password-feedback.test.ts). */
const feedbackNote = (sentence: string): Note | null => {
  const key = sentence ? feedbackKey(sentence) : null;
  return key ? { key: `password.feedback.${key}` } : null;
};

const timeNote = (seconds: number | string): Note => {
  const c = crackTimeNote(Number(seconds));
  return 'n' in c ? { key: `password.time.${c.key}`, values: { n: c.n } } : { key: `password.time.${c.key}` };
};

/** SIP meter levels: 4 from 10^4 × the minimum, 3 at the minimum, 2 from 10^-4 × it, 1 from 10^10 (zxcvbn's score 4). */
function sipLevel(log10: number, min: number): Assessment['level'] {
  if (log10 >= min + 4) return 4;
  if (log10 >= min) return 3;
  if (log10 >= min - 4) return 2;
  return log10 >= 10 ? 1 : 0;
}

/** The part of zxcvbn's answer the verdict uses: plain data, so it can cross a worker thread. */
export type Estimate = {
  score: 0 | 1 | 2 | 3 | 4;
  guesses_log10: number;
  crack_times_seconds: {
    offline_fast_hashing_1e10_per_second: number;
    offline_slow_hashing_1e4_per_second: number;
  };
  feedback: { warning: string; suggestions: string[] };
};

/** What zxcvbn is asked: the first SCORED_LENGTH characters, with the account's context words as user inputs. */
export function estimateInput(
  password: string,
  userInputs: string[],
): { password: string; userInputs: string[] } {
  return { password: password.slice(0, SCORED_LENGTH), userInputs: contextWords(userInputs) };
}

/** zxcvbn's answer (or a structured clone of it, from a worker thread) reduced to an Estimate. */
export function toEstimate(
  r: Pick<ZXCVBNResult, 'score' | 'guesses_log10' | 'crack_times_seconds' | 'feedback'>,
): Estimate {
  return {
    score: r.score,
    guesses_log10: r.guesses_log10,
    crack_times_seconds: {
      offline_fast_hashing_1e10_per_second: Number(
        r.crack_times_seconds.offline_fast_hashing_1e10_per_second,
      ),
      offline_slow_hashing_1e4_per_second: Number(r.crack_times_seconds.offline_slow_hashing_1e4_per_second),
    },
    feedback: { warning: r.feedback.warning, suggestions: r.feedback.suggestions },
  };
}

/** The rule's verdict on `password` given zxcvbn's estimate `r` of it (see `estimate`); pure and cheap. */
export function judgePassword(
  password: string,
  opts: { userInputs: string[]; username?: string } & PasswordRule,
  r: Estimate,
): Assessment {
  const sip = 'sipMinGuessesLog10' in opts;
  const problems: Note[] = [];
  if (password.length < MIN_LENGTH)
    problems.push({ key: 'password.problem.tooShort', values: { min: MIN_LENGTH } });
  if (password.length > MAX_LENGTH)
    problems.push({ key: 'password.problem.tooLong', values: { max: MAX_LENGTH } });
  if (sip) problems.push(...sipCharacterProblems(password));
  if (opts.username && password.toLowerCase() === opts.username.toLowerCase())
    problems.push({ key: 'password.problem.isUsername' });
  // Compared without case or accents: "Clinica-…" carries the account's "Clínica" as much as "Clínica-…".
  const found = contextWordIn(password, contextWords(opts.userInputs));
  if (found) problems.push({ key: 'password.problem.contextWords' });
  // A targeted attacker knows the company's own words: a password built on them is weak whatever the
  // estimator says about its length (NIST SP 800-63B: context-specific words).
  const score = (found ? Math.min(r.score, 1) : r.score) as Assessment['score'];
  const guessesLog10 = found ? Math.min(r.guesses_log10, 6) : r.guesses_log10;
  const level = sip ? sipLevel(guessesLog10, opts.sipMinGuessesLog10) : score;
  const required: Note = sip
    ? {
        key: 'password.required.guesses',
        values: { count: powerOfTen(opts.sipMinGuessesLog10), gpu: gpuTime(opts.sipMinGuessesLog10) },
      }
    : levelLabel(Math.min(4, Math.max(0, opts.minScore)));
  const weak = sip ? guessesLog10 < opts.sipMinGuessesLog10 : score < opts.minScore;
  const fast = timeNote(r.crack_times_seconds.offline_fast_hashing_1e10_per_second);
  const warning = feedbackNote(r.feedback.warning);
  if (weak && !found) {
    problems.push(
      sip
        ? { key: 'password.problem.sipWeak', values: { time: fast, required } }
        : (warning ?? { key: 'password.problem.tooEasy' }),
    );
  }
  const crackTime = found
    ? { key: 'password.meter.contextTime' }
    : sip
      ? fast
      : timeNote(r.crack_times_seconds.offline_slow_hashing_1e4_per_second);
  const suggestions = r.feedback.suggestions.map(feedbackNote).filter((n): n is Note => n !== null);
  return {
    score,
    level,
    guessesLog10,
    crackTime,
    required,
    warning,
    suggestions,
    problems,
    strongEnough: !weak,
    acceptable: problems.length === 0,
  };
}
