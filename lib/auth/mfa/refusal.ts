import { fail, type FailCode, type Outcome } from '@/lib/server/outcome';

/**
 * A refused second-factor code: `key` (a catalogue path under mfa.*, outcome.mfa.* or profile.*) is
 * both the form's message and the code field's error, as every code form shows it (components/ui code
 * form). `code`: invalid (malformed or wrong), throttled (per-window limit), refused (locked, not enrolled).
 */
export const codeRefused = <T = never>(code: Exclude<FailCode, 'not_found'>, key: string): Outcome<T> =>
  fail<T>(code, key, undefined, { code: [{ key }] });
