import { audit } from '@/lib/audit/log';
import { fail, type FailCode, type Outcome } from '@/lib/server/outcome';
import type { RequestMeta } from '@/lib/server/request-meta';

/**
 * A refused second-factor code: `key` (a catalogue path under mfa.*, outcome.mfa.* or profile.*) is
 * both the form's message and the code field's error, as every code form shows it (components/ui code
 * form). `code`: invalid (malformed or wrong), throttled (per-window limit), refused (locked, not enrolled).
 */
export const codeRefused = <T = never>(code: Exclude<FailCode, 'not_found'>, key: string): Outcome<T> =>
  fail<T>(code, key, undefined, { code: [{ key }] });

/**
 * A right authenticator code whose 30-second step was already spent (lib/auth/totp.ts acceptTotp
 * `'used'`): someone signed in with it a moment ago, often the same person on another device, or it
 * was read over a shoulder. Refused as RFC 6238 §5.2 asks, but worded as what it is (wait for the next
 * code), audited as `mfa.failure` with `reused`, and not counted towards the second factor's lock:
 * the code was right, so it proves nothing against the person.
 */
export async function usedCode<T = never>(
  user: { id: string; email: string },
  meta: RequestMeta,
  purpose: 'sign_in' | 'recovery_codes' | 'enrolment' | 'move',
): Promise<Outcome<T>> {
  await audit({
    action: 'mfa.failure',
    actor: user,
    detail: { kind: 'totp', reused: true, ...(purpose === 'sign_in' ? {} : { for: purpose }) },
    meta,
  });
  return codeRefused<T>('invalid', 'mfa.used');
}
