import { describe, expect, it } from 'vitest';
import { claimAnswer } from '@/components/staff/claim-forms';

// Found by a tester working the desk in a fraud wave (2026-12-07): agent1 took ACC-7021, agent2 took
// it over, and agent1 pressed "Release it" on a page not reloaded. The release was refused and agent2
// kept the request, but agent1's card showed at once "agent2@… took this request … Check with them
// before you call", agent1's own green "You have taken this request: the queue shows other agents
// that you are calling this customer…" from the earlier take, and the red refusal. A claim form's
// success is shown only while the holder the page shows agrees with it (claim-forms.tsx claimAnswer),
// for unblock and allowance requests alike (one ClaimForms).

const taken = { ok: true, message: 'You have taken this request: the queue shows other agents…' };
const renewed = { ok: true, message: 'You keep this request longer…' };
const takenOver = { ok: true, message: 'You have taken over this request…' };
const released = { ok: true, message: 'You released this request: it is back in the queue for any agent.' };
const takenBy = { ok: false, message: 'agent2@tollgate.example took this request a moment ago…' };
const notYours = { ok: false, message: 'You no longer hold this request, so there was nothing to release…' };

const waiting = (mine: boolean) => ({ closed: false, mine });

describe('what a claim form says after the page shows who holds the request now', () => {
  it('a take’s success stays while the reader holds the request', () => {
    for (const s of [taken, renewed, takenOver])
      expect(claimAnswer('take', s, waiting(true))).toBe(s.message);
  });

  it('a take’s success goes once someone else holds it, or nobody does (taken over, lapsed, released)', () => {
    for (const s of [taken, renewed, takenOver])
      expect(claimAnswer('take', s, waiting(false))).toBeUndefined();
  });

  it('the tester’s take-over: only the release’s refusal is said, beside the holder’s sentence', () => {
    // agent1's page after the refused release: agent2 holds it (mine false).
    expect(claimAnswer('take', taken, waiting(false))).toBeUndefined();
    expect(claimAnswer('release', takenBy, waiting(false))).toBe(takenBy.message);
    expect(claimAnswer('release', notYours, waiting(false))).toBe(notYours.message);
  });

  it('a release’s success stays while the reader holds nothing, and goes once they take it again', () => {
    expect(claimAnswer('release', released, waiting(false))).toBe(released.message);
    expect(claimAnswer('release', released, waiting(true))).toBeUndefined();
  });

  it('a refusal is always said, whoever holds the request', () => {
    for (const mine of [true, false]) {
      expect(claimAnswer('take', takenBy, waiting(mine))).toBe(takenBy.message);
      expect(claimAnswer('release', notYours, waiting(mine))).toBe(notYours.message);
    }
    expect(claimAnswer('take', takenBy, { closed: true, mine: false })).toBe(takenBy.message);
  });

  it('no success once the request no longer waits (a decision made it stale); nothing before any answer', () => {
    expect(claimAnswer('take', taken, { closed: true, mine: true })).toBeUndefined();
    expect(claimAnswer('release', released, { closed: true, mine: false })).toBeUndefined();
    expect(claimAnswer('take', undefined, waiting(true))).toBeUndefined();
  });
});
