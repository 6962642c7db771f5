// Types of lib/passwords/zxcvbn-worker.mjs (plain JavaScript, loaded by piscina outside Next's bundles).
import type zxcvbn from 'zxcvbn';

/** Scores `password` with zxcvbn and the account's context words; the fields lib/passwords/strength.ts toEstimate reads. */
export default function score(input: {
  password: string;
  userInputs: string[];
  /** Told as scoring begins (lib/passwords/check.ts withScoringDeadline). */
  started?: import('node:worker_threads').MessagePort;
}): Pick<zxcvbn.ZXCVBNResult, 'score' | 'guesses_log10' | 'crack_times_seconds' | 'feedback'>;
