import { audit } from '@/lib/audit/log';
import { acceptTotp, type SpentStep } from '@/lib/auth/totp';
import { consume, reset } from '@/lib/server/rate-limit';
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
 * A right authenticator code whose 30-second step was already spent, or is earlier than one accepted
 * since (lib/auth/totp.ts acceptTotp `'used'`): someone signed in with it, or a newer code, a moment
 * ago, often the same person on another device, or it was read over a shoulder. Refused as RFC 6238 §5.2 asks, but worded as what it is (wait for the next
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

/**
 * The first code of a new authenticator app, for `secret` (the one this session is offered: a first
 * set-up, lib/auth/mfa/enrol.ts, or a move to a new phone, lib/auth/mfa/move.ts), checked as both
 * take it: the `totp` limit per login counted first (parallel guesses cannot slip past), the step
 * spent once (RFC 6238 §5.2; a spent one is usedCode), a wrong code audited `mfa.failure` with `for`
 * `purpose` but not counted toward the lock (this session was shown the secret: there is nothing to
 * guess), the limit reset on success. Returns the spent step (give it back if the change then
 * fails), or the refusal to answer with.
 */
export async function acceptNewAppCode(
  user: { id: string; email: string },
  meta: RequestMeta,
  secret: string,
  code: string,
  purpose: 'enrolment' | 'move',
): Promise<{ spent: SpentStep } | { refused: Outcome<never> }> {
  const attempt = await consume('totp', user.id);
  if (attempt.rejected) {
    await audit({ action: 'mfa.throttled', actor: user, detail: { kind: 'totp', for: purpose }, meta });
    return { refused: codeRefused('throttled', 'mfa.throttled') };
  }
  const spent = await acceptTotp(user.id, secret, code);
  if (spent === 'used') return { refused: await usedCode(user, meta, purpose) };
  if (!spent) {
    await audit({ action: 'mfa.failure', actor: user, detail: { kind: 'totp', for: purpose }, meta });
    return {
      refused: attempt.limited
        ? codeRefused('throttled', 'mfa.throttled')
        : codeRefused('invalid', 'outcome.mfa.enrolWrong'),
    };
  }
  await reset('totp', user.id);
  return { spent };
}
