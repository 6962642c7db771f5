// A piscina worker thread (lib/passwords/check.ts): runs zxcvbn off the request thread. Plain
// JavaScript on purpose: Node loads it as is, outside Next's bundles, in `npm start` and in tests.
// The caller prepares the input (lib/passwords/strength.ts estimateInput) and reads the answer (toEstimate).
import zxcvbn from 'zxcvbn';

/** @param {{ password: string, userInputs: string[] }} input */
export default function score({ password, userInputs }) {
  const r = zxcvbn(password, userInputs);
  return {
    score: r.score,
    guesses_log10: r.guesses_log10,
    crack_times_seconds: r.crack_times_seconds,
    feedback: r.feedback,
  };
}
