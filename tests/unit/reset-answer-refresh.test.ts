import { describe, expect, it } from 'vitest';
import { answerChangesPage } from '@/components/sip/reset-form';

// After the switch answered a password change 429 with Retry-After, the reset form said "Try again
// from 12:45:14" while the rest of the page, rendered before the change, still said the devices were
// "read again from 12:45:06" and nothing of the change (testers, 2026-12-08). An answer that is the
// switch's now renders the page again (router.refresh), so its notice and devices lines tell the
// change's one wait; a field's refusal, a lost answer or a signed-out session change nothing on it.

const LOST = 'The answer did not arrive.';

describe('answerChangesPage', () => {
  it('renders the page again after the switch answered: busy, an error, no answer, or success', () => {
    expect(
      answerChangesPage({ ok: false, message: 'Our phone system is busy … Try again from 12:45:14' }, LOST),
    ).toBe(true);
    expect(
      answerChangesPage({ ok: true, message: 'Password updated', data: { liftQueued: false } }, LOST),
    ).toBe(true);
  });

  it('leaves the page alone before an answer, for a field’s refusal, a lost answer, a sign-in, a replay', () => {
    expect(answerChangesPage(undefined, LOST)).toBe(false);
    expect(
      answerChangesPage({ ok: false, message: 'Too weak', fieldErrors: { password: ['Too weak'] } }, LOST),
    ).toBe(false);
    expect(answerChangesPage({ ok: false, message: LOST }, LOST)).toBe(false);
    expect(answerChangesPage({ ok: false, message: 'Sign in again', signIn: 'Sign in' }, LOST)).toBe(false);
    expect(answerChangesPage({ ok: true, message: 'Password updated' }, LOST)).toBe(false);
  });
});
