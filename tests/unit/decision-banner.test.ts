import { describe, expect, it } from 'vitest';
import { decisionBanner } from '@/lib/requests/decision-banner';

describe('decisionBanner: the request page’s ?done= checked against the request as it is now', () => {
  it('says what the agent did while the request still has that status', () => {
    expect(decisionBanner('approved', { status: 'approved', decidedByMe: true })).toBe('approved');
    expect(decisionBanner('denied', { status: 'denied', decidedByMe: true })).toBe('denied');
    expect(decisionBanner('closed', { status: 'closed', decidedByMe: false })).toBe('closed');
  });

  it('an approval whose lift was refused or withdrawn: the request is pending again', () => {
    expect(decisionBanner('approved', { status: 'pending', decidedByMe: false })).toBe('liftUndone');
  });

  it('nothing the request no longer bears out, nothing for a decision someone else made since', () => {
    expect(decisionBanner('approved', { status: 'approved', decidedByMe: false })).toBeNull();
    expect(decisionBanner('approved', { status: 'denied', decidedByMe: false })).toBeNull();
    expect(decisionBanner('denied', { status: 'pending', decidedByMe: false })).toBeNull();
    expect(decisionBanner('closed', { status: 'pending', decidedByMe: false })).toBeNull();
    expect(decisionBanner('closed', { status: 'approved', decidedByMe: true })).toBeNull();
  });

  it('an unknown, repeated or missing value shows nothing', () => {
    for (const done of [undefined, '', 'Approved', 'liftUndone', 'toString', ['approved', 'approved']])
      expect(decisionBanner(done, { status: 'approved', decidedByMe: true })).toBeNull();
  });
});
