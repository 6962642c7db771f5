import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { followsLift, liftNews, type LiftNewsBlock } from '@/components/sip/lift-news';
import { LiftStatus } from '@/components/sip/lift-status';
import { storeNote } from '@/lib/i18n/stored';
import { render, text } from '@/tests/helpers/intl-markup';

// The SIP password reset page follows the lift of the block it came from (Tester P, 2026-12-08: the
// form said "The block page says which, or that calling is back", and the page never said either).
// What it says is decided from the block as stored (components/sip/lift-news.ts): calling is back
// only once the switch confirmed the lift, and only when no other block holds the account.

const LIFTED_AT = new Date('2026-12-08T10:42:00Z');

const credential = (
  username: string,
  o: { suspected?: 'trigger_ip' | 'scanner'; rotated?: boolean; named?: boolean } = {},
) =>
  ({
    id: `id-${username}`,
    username,
    label: '',
    named: o.named ?? false,
    suspected: o.suspected ? { reason: o.suspected, sourceIp: '185.220.101.47' } : null,
    rotatedSinceBlock: o.rotated ?? false,
  }) as unknown as LiftNewsBlock['credentials'][number];

const entry = (type: string, detail: string | null, minute: number) =>
  ({
    id: `e${minute}`,
    type,
    detail,
    at: new Date(Date.UTC(2026, 11, 8, 10, minute)),
  }) as unknown as LiftNewsBlock['events'][number];

/** A block of an account with `desk` (named by the calls, changed) and `fax`, in `status`. */
function block(o: Partial<LiftNewsBlock> = {}): LiftNewsBlock {
  return {
    status: 'active',
    liftedAt: null,
    liftRefused: false,
    otherOpenBlockId: null,
    otherOpenBlockCount: 0,
    blockOnItsWay: false,
    events: [],
    credentials: [credential('desk', { named: true, rotated: true }), credential('fax')],
    ...o,
  };
}

const withheld = storeNote('history.liftWithheldSuspect', {
  credentials: 'fax',
  count: 1,
  how: 'trigger_ip',
});

describe('what the reset page says of the lift of its block', () => {
  it('a lift on its way: said, and followed', () => {
    const news = liftNews(block({ status: 'lift_pending' }));
    expect(news).toEqual({ is: 'onItsWay' });
    expect(followsLift(news)).toBe(true);
  });

  it('calling is back only once the switch confirmed the lift, with no other block in force', () => {
    const back = liftNews(block({ status: 'lifted', liftedAt: LIFTED_AT }));
    expect(back).toEqual({ is: 'back', at: LIFTED_AT, count: 0 });
    expect(followsLift(back)).toBe(false);
    // Lifted without a confirmation's time: nothing is claimed.
    expect(liftNews(block({ status: 'lifted', liftedAt: null }))).toEqual({ is: 'none' });
    // Another block still holds the account: not back.
    expect(
      liftNews(
        block({ status: 'lifted', liftedAt: LIFTED_AT, otherOpenBlockId: 'b2', otherOpenBlockCount: 2 }),
      ),
    ).toEqual({ is: 'otherOpen', at: LIFTED_AT, count: 2 });
    // Support's block on its way: may already be blocked again, and followed.
    const blocking = liftNews(block({ status: 'lifted', liftedAt: LIFTED_AT, blockOnItsWay: true }));
    expect(blocking).toEqual({ is: 'blocking', at: LIFTED_AT, count: 0 });
    expect(followsLift(blocking)).toBe(true);
  });

  it('a lift the switch refused says so', () => {
    expect(liftNews(block({ liftRefused: true }))).toEqual({ is: 'refused' });
  });

  it('a lift withheld for a suspect names the credentials still to change, and how they were seen', () => {
    const events = [
      entry('lift_requested', storeNote('history.liftPolicy'), 1),
      entry('lift_requested', withheld, 2),
    ];
    expect(
      liftNews(
        block({
          events,
          credentials: [
            credential('desk', { named: true, rotated: true }),
            credential('fax', { suspected: 'trigger_ip' }),
          ],
        }),
      ),
    ).toEqual({
      is: 'withheld',
      credentials: [{ id: 'id-fax', label: '', username: 'fax' }],
      how: 'trigger_ip',
    });
    const two = liftNews(
      block({
        events,
        credentials: [
          credential('fax', { suspected: 'trigger_ip' }),
          credential('ivr', { suspected: 'scanner' }),
          credential('pbx', { suspected: 'scanner', rotated: true }),
        ],
      }),
    );
    expect(two).toMatchObject({ is: 'withheld', how: 'both' });
    expect(two.is === 'withheld' && two.credentials.map((c) => c.username)).toEqual(['fax', 'ivr']);
  });

  it('nothing when no lift was asked, the suspects are changed since, or a later entry cancelled it', () => {
    expect(liftNews(block())).toEqual({ is: 'none' });
    const suspectChanged = [credential('fax', { suspected: 'scanner', rotated: true })];
    expect(
      liftNews(block({ events: [entry('lift_requested', withheld, 2)], credentials: suspectChanged })),
    ).toEqual({ is: 'none' });
    const cancelled = [
      entry('lift_requested', withheld, 2),
      entry('lift_requested', storeNote('history.liftCancelledNewBlock'), 3),
    ];
    expect(
      liftNews(block({ events: cancelled, credentials: [credential('fax', { suspected: 'scanner' })] })),
    ).toEqual({ is: 'none' });
  });

  it.each(['en', 'es'] as const)(
    'says it in the status region, with the block page where it helps (%s)',
    (locale) => {
      const words = (news: ReturnType<typeof liftNews>) => {
        const html = render(h(LiftStatus, { news, blockHref: '/blocks/b1' }), locale);
        expect(html).toMatch(/^<div id="reset-lift" role="status" aria-live="polite"/);
        return { html, said: text(html).trim() };
      };
      expect(words({ is: 'none' }).said).toBe('');
      const back = words({ is: 'back', at: LIFTED_AT, count: 0 });
      expect(back.said).toContain(
        locale === 'en'
          ? 'International calling is back on this account ('
          : 'Las llamadas internacionales vuelven a funcionar en esta cuenta desde el ',
      );
      expect(back.said).toContain('10:42');
      expect(back.html).not.toContain('href=');
      expect(back.html).not.toContain('noscript:inline');
      // On its way: the page follows it with its script; without one, a reload is asked for.
      const onItsWay = words({ is: 'onItsWay' });
      expect(onItsWay.html).toMatch(/<span class="hidden noscript:inline">/);
      expect(onItsWay.said).not.toMatch(/switch/i);
      const refused = words({ is: 'refused' });
      expect(refused.html).toContain('href="/blocks/b1"');
      const held = words({
        is: 'withheld',
        credentials: [{ id: 'f', label: 'Fax line', username: 'fax-1' }],
        how: 'scanner',
      });
      expect(held.said).toContain('Fax line (fax-1)');
      expect(held.html).toContain('href="/blocks/b1"');
      for (const w of [back, refused, held]) expect(w.said).not.toMatch(/switch/i);
    },
  );
});
