import zxcvbn from 'zxcvbn';

// Shared by the browser meter (in a Web Worker) and the server check: one estimator, one set of rules.
// No 'server-only': the worker imports it too. The server's verdict is the one that counts.

export const MIN_LENGTH = 12;
export const MAX_LENGTH = 128;
/** zxcvbn's time grows fast with length (≈110 ms at 64 chars); beyond this the prefix decides. */
export const SCORED_LENGTH = 64;

export type Assessment = {
  score: 0 | 1 | 2 | 3 | 4;
  crackTime: string;
  warning: string;
  suggestions: string[];
  problems: string[];
  acceptable: boolean;
};

/** Words of the account (number, company, SIP username, email) that must not carry a password. */
export function contextWords(inputs: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    if (!input) continue;
    const lower = input.toLowerCase();
    words.add(lower);
    for (const part of lower.split(/[^a-z0-9]+/)) if (part.length >= 4) words.add(part);
  }
  return [...words].filter((w) => w.length >= 4);
}

export function assessPassword(password: string, opts: { userInputs: string[]; minScore: number; username?: string }): Assessment {
  const problems: string[] = [];
  if (password.length < MIN_LENGTH) problems.push(`Use at least ${MIN_LENGTH} characters.`);
  if (password.length > MAX_LENGTH) problems.push(`Use at most ${MAX_LENGTH} characters.`);
  const lower = password.toLowerCase();
  if (opts.username && lower === opts.username.toLowerCase()) problems.push('The password must not be the SIP username.');
  const found = contextWords(opts.userInputs).find((w) => lower.includes(w));
  if (found) problems.push('The password must not contain your account number, company name, SIP username or email.');
  const r = zxcvbn(password.slice(0, SCORED_LENGTH), contextWords(opts.userInputs));
  // A targeted attacker knows the company's own words: a password built on them is weak whatever the
  // estimator says about its length (NIST SP 800-63B: context-specific words).
  const score = (found ? Math.min(r.score, 1) : r.score) as Assessment['score'];
  if (score < opts.minScore && !found) problems.push(r.feedback.warning || 'This password is too easy to guess. Add more unrelated words or use a generated password.');
  return {
    score,
    crackTime: found ? 'minutes, for someone who knows your company' : String(r.crack_times_display.offline_slow_hashing_1e4_per_second),
    warning: r.feedback.warning,
    suggestions: r.feedback.suggestions,
    problems,
    acceptable: problems.length === 0,
  };
}
