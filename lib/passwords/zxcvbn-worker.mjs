// A piscina worker thread (lib/passwords/check.ts): runs zxcvbn off the request thread. Plain
// JavaScript on purpose: Node loads it as is, outside Next's bundles, in `npm start` and in tests.
// The caller prepares the input (lib/passwords/rules.ts estimateInput) and reads the answer (toEstimate).
import zxcvbn from 'zxcvbn';
import { installLanguageDictionaries } from './dictionaries.mjs';
import { installPrunedDictionaryMatch } from './dictionary-match.mjs';

// The same verdicts as zxcvbn's own matcher, as the meter's Web Worker gives them, with a fraction
// of the dictionary lookups (the worst case of 64 look-alike symbols: 3.8 s → about 0.6 s).
installPrunedDictionaryMatch();
// The same words as the meter and the operator CLI (lib/passwords/strength.ts estimate).
installLanguageDictionaries();
// The matcher sorts each dictionary's words once, on its first call: do it as the thread starts, not
// in the first check's time.
zxcvbn('warm-up');

/**
 * @param {{ password: string, userInputs: string[], started?: import('node:worker_threads').MessagePort }} input
 * `started`: told as scoring begins, so that the caller's deadline counts the scoring, not the wait
 * for this thread (lib/passwords/check.ts withScoringDeadline).
 */
export default function score({ password, userInputs, started }) {
  started?.postMessage('started');
  const r = zxcvbn(password, userInputs);
  return {
    score: r.score,
    guesses_log10: r.guesses_log10,
    crack_times_seconds: r.crack_times_seconds,
    feedback: r.feedback,
  };
}
