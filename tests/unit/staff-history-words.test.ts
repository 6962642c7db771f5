import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { timelineHeadings, type TimelineTitle } from '@/lib/blocks/timeline-title';
import { readStored, STAFF_WORDED_NOTES, storedText, storeNote } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import en from '@/messages/en.json';
import es from '@/messages/es.json';
import { render, text } from '@/tests/helpers/intl-markup';

// Testers R and S (2026-12): the staff request page's timeline said "Our phone system reports
// international calling blocked; the portal follows it." and "Our phone system’s details of the
// calls arrived…", the customer's words, to support; and a block the reconciler found first read
// "Block placed by fraud monitoring" twice, to both, as if there were two blocks. Staff now read the
// switch as "the switch"; the second entry, the switch's event with the calls, is headed as what it is.

const CATALOGUES = { en, es } as const;
const CUSTOMER_WORDS = { en: /phone system/i, es: /nuestra central/i } as const;

/** The names of the ICU arguments a message uses, in every branch. */
function argumentsOf(elements: MessageFormatElement[]): string[] {
  return elements.flatMap((el) => {
    if (el.type === TYPE.literal || el.type === TYPE.pound) return [];
    const own = 'value' in el && typeof el.value === 'string' ? [el.value] : [];
    if (el.type === TYPE.plural || el.type === TYPE.select)
      return [...own, ...Object.values(el.options).flatMap((o) => argumentsOf(o.value))];
    return own;
  });
}
const args = (m: string) => [...new Set(argumentsOf(parse(m)))].sort();

describe.each(['en', 'es'] as const)('staff’s words for the history notes (%s)', (locale) => {
  const c = CATALOGUES[locale];
  const history = c.history as Record<string, string>;
  const staff = c.staffHistory as Record<string, string>;

  it('every history note that says "our phone system" has staff words, with the same arguments', () => {
    const customerWorded = Object.entries(history)
      .filter(([, v]) => CUSTOMER_WORDS[locale].test(v))
      .map(([k]) => `history.${k}`);
    expect(customerWorded.length).toBeGreaterThan(10);
    expect(customerWorded.filter((k) => !STAFF_WORDED_NOTES.has(k))).toEqual([]);
    for (const key of STAFF_WORDED_NOTES) {
      const name = key.slice('history.'.length);
      expect(staff[name], key).toBeDefined();
      expect(args(staff[name]!), key).toEqual(args(history[name]!));
      expect(staff[name], key).not.toMatch(CUSTOMER_WORDS[locale]);
      expect(staff[name], key).toMatch(/\bswitch\b/);
    }
    expect(
      Object.keys(staff)
        .map((k) => `history.${k}`)
        .filter((k) => !STAFF_WORDED_NOTES.has(k)),
    ).toEqual([]);
  });

  it('a stored note reads in staff’s words for staff, in the customer’s for a customer; its key stays', () => {
    const t = translate(locale);
    const raw = storeNote('history.followsSwitch');
    expect(storedText(t, raw, 'staff')).toBe(staff.followsSwitch);
    expect(storedText(t, raw)).toBe(staff.followsSwitch);
    expect(storedText(t, raw, 'customer')).toBe(history.followsSwitch);
    expect(readStored(raw)).toEqual({ key: 'history.followsSwitch' });
    const held = storeNote('history.noticeHeld', { count: 2, seconds: 90 });
    expect(storedText(t, held, 'staff')).toMatch(
      locale === 'en' ? /^2 recipients\. .*switch/ : /^2 destinatarios\. .*switch/,
    );
    expect(storedText(t, held, 'customer')).toMatch(CUSTOMER_WORDS[locale]);
    // The legacy English sentence of the note reads in staff's words too.
    expect(
      storedText(t, 'The switch reports international calling blocked; the portal follows it.', 'staff'),
    ).toBe(staff.followsSwitch);
    // A refused lift: staff's sentence and the switch's answer in staff's words.
    const refused = storeNote('history.liftRefused', { error: 'account_closed: account is closed' });
    expect(storedText(t, refused, 'staff')).not.toMatch(CUSTOMER_WORDS[locale]);
    expect(storedText(t, refused, 'customer')).not.toMatch(/switch/i);
  });
});

describe('the timeline of a block the reconciler found first', () => {
  const at = new Date('2026-12-07T08:00:00Z');
  type Entry = Parameters<typeof Timeline>[0]['events'][number];
  const entry = (
    id: string,
    type: Entry['type'],
    title: TimelineTitle,
    detail: string,
    actor: string,
  ): Entry => ({ id, type, title, at, detail, actor });
  const events: Entry[] = [
    entry('p', 'placed', 'placed', storeNote('history.followsSwitch'), 'switch'),
    entry('c', 'placed', 'placed', storeNote('history.suspiciousCalls', { count: 3 }), 'switch'),
    entry('n', 'notice_queued', 'notice_queued', storeNote('history.noticeReleasedCalls'), 'tollgate'),
    entry('l', 'lift_requested', 'lift_requested', storeNote('history.liftPolicy'), 'policy'),
  ];
  const headings = (html: string) =>
    [...html.matchAll(/<p class="font-medium">(.*?)<\/p>/g)].map((m) => text(m[1]!).trim());

  it('heads the switch’s event with the calls as what it is, for each reader, in each language', () => {
    expect(timelineHeadings(events)).toEqual(['placed', 'placed_calls', 'notice_queued', 'lift_requested']);
    // The notice released by the calls is the mail's plumbing: staff's alone (shownToCustomer).
    expect(headings(render(h(Timeline, { events, audience: 'customer' })))).toEqual([
      'Block placed by fraud monitoring',
      'Details of the calls received',
      'Lift asked of our phone system',
    ]);
    expect(headings(render(h(Timeline, { events, audience: 'staff' })))).toEqual([
      'Block placed by fraud monitoring',
      'Calls of the block reported by the switch',
      'Block notice queued for email',
      'Lift asked of the switch',
    ]);
    expect(headings(render(h(Timeline, { events, audience: 'customer' }), 'es'))[1]).toBe(
      es.timeline.placed_calls,
    );
    expect(headings(render(h(Timeline, { events, audience: 'staff' }), 'es'))[1]).toBe(
      es.staffTimeline.placed_calls,
    );
  });

  it('a block with one placement keeps its one heading', () => {
    expect(timelineHeadings([events[1]!, events[2]!])).toEqual(['placed', 'notice_queued']);
  });

  it.each(['en', 'es'] as const)(
    'staff read the switch, never "our phone system"; the customer never "switch" (%s)',
    (locale) => {
      const staff = text(render(h(Timeline, { events, audience: 'staff' }), locale));
      expect(staff).not.toMatch(CUSTOMER_WORDS[locale]);
      expect(staff).toContain(CATALOGUES[locale].staffHistory.followsSwitch);
      expect(staff).toContain(CATALOGUES[locale].staffHistory.noticeReleasedCalls);
      const customer = text(render(h(Timeline, { events, audience: 'customer' }), locale));
      expect(customer).not.toMatch(/switch/i);
      expect(customer).toContain(CATALOGUES[locale].history.followsSwitch);
      expect(customer.split(CATALOGUES[locale].timeline.placed).length - 1).toBe(1);
    },
  );
});
