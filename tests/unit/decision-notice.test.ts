import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { DecisionNotice, JUST_DECIDED_MS } from '@/components/staff/decision-notice';

// The staff request page's "You approved this request" came back whenever the page was drawn with
// the decision's `?done=`: a reload an hour later, the address reopened from the browser's history,
// announced the decision as if just made (review, session 43). It is news right after the decision only.

const at = new Date('2026-12-06T10:00:00.000Z');
const later = (ms: number) => new Date(at.getTime() + ms).toISOString();
const notice = (o: { decision?: { id: string; at: string } | null; renderedAt: string }) =>
  renderToStaticMarkup(
    h(DecisionNotice, {
      kind: 'approved',
      decision: o.decision === undefined ? { id: 'evt-1', at: at.toISOString() } : o.decision,
      renderedAt: o.renderedAt,
      children: 'You approved this request.',
    }),
  );

describe('the notice of a decision on the staff request page', () => {
  it('is shown on the page drawn right after the decision, and on a reload soon after', () => {
    for (const ms of [0, 3_000, JUST_DECIDED_MS - 1]) {
      const html = notice({ renderedAt: later(ms) });
      expect(html).toContain('You approved this request.');
      // It takes the focus as it appears (read once then), outside any live region.
      expect(html).toMatch(
        /^<p tabindex="-1"[^>]*>You approved this request\.<span aria-live="polite"><\/span><\/p>$/,
      );
    }
  });

  it('is not shown on a page drawn later: a reload an hour on, the address reopened from the history', () => {
    for (const ms of [JUST_DECIDED_MS, 10 * 60_000, 3600_000])
      expect(notice({ renderedAt: later(ms) })).toBe('');
  });

  it('is not shown when the decision it would report is not known', () => {
    expect(notice({ decision: null, renderedAt: later(1000) })).toBe('');
  });
});
