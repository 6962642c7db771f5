import zxcvbn from 'zxcvbn';
import { installLanguageDictionaries } from '@/lib/passwords/dictionaries.mjs';
import {
  estimateInput,
  judgePassword,
  toEstimate,
  type Assessment,
  type Estimate,
  type PasswordRule,
} from './rules';

// The estimator on the calling thread: zxcvbn with the Spanish word lists. Used by the browser meter (in
// its Web Worker) and the operator CLI; the server scores in a worker thread instead
// (lib/passwords/check.ts) and judges with ./rules, which this module re-exports, so that one import
// gives a caller both. No 'server-only': the worker imports it too. The server's verdict is the one
// that counts.
export * from './rules';

/**
 * zxcvbn's estimate of `password` (see `estimateInput`) on the calling thread, with the Spanish word
 * lists added to its dictionaries (lib/passwords/dictionaries.mjs). The costly part of a
 * check: milliseconds for most inputs, seconds for a 64-character run of look-alike symbols (zxcvbn's
 * l33t matcher). The server runs the same call in a worker thread instead (lib/passwords/check.ts).
 */
export function estimate(password: string, userInputs: string[]): Estimate {
  installLanguageDictionaries();
  const input = estimateInput(password, userInputs);
  return toEstimate(zxcvbn(input.password, input.userInputs));
}

/**
 * Judges `password` against `rule` with the account's own words (`userInputs`) as zxcvbn user inputs
 * and NIST SP 800-63B §3.1.1.2 context words. Returns the meter's level, the crack time for the rule's
 * attack and every problem in a sentence; `acceptable` is the server's verdict. Runs zxcvbn on the
 * calling thread: the browser meter calls it inside its Web Worker; the server uses
 * lib/passwords/check.ts, which scores in a worker thread and then calls `judgePassword`.
 */
export function assessPassword(
  password: string,
  opts: { userInputs: string[]; username?: string } & PasswordRule,
): Assessment {
  return judgePassword(password, opts, estimate(password, opts.userInputs));
}
