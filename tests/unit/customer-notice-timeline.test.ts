import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { shownToCustomer, timelineTitle } from '@/lib/blocks/timeline-title';
import { storeNote } from '@/lib/i18n/stored';
import { render, text } from '@/tests/helpers/intl-markup';

// Tester P (2026-12-08): the customer's block timeline read "Block notice queued for email" / "Aviso
// de bloqueo en cola para enviarse por correo", "1 recipient", and the notice held and released for
// the switch's details: the mail's plumbing. A customer reads what happened to them, "We emailed the
// block notice to …"; staff keep every step in their words.

type Entry = Parameters<typeof Timeline>[0]['events'][number];
const at = (s: number) => new Date(Date.UTC(2026, 11, 7, 8, 0, s));
const entry = (id: string, type: Entry['type'], s: number, detail: string | null): Entry => ({
  id,
  type,
  title: timelineTitle(type as Parameters<typeof timelineTitle>[0], 'tollgate'),
  at: at(s),
  detail,
  actor: type === 'placed' ? 'switch' : 'tollgate',
});

const EVENTS: Entry[] = [
  { ...entry('p', 'placed', 0, storeNote('history.fraudMonitoring')), title: 'placed' },
  entry('q1', 'notice_queued', 1, storeNote('history.noticeHeld', { count: 2, seconds: 75 })),
  entry('q2', 'notice_queued', 2, storeNote('history.noticeReleasedLift')),
  entry('q3', 'notice_queued', 3, storeNote('history.recipients', { count: 2 })),
  entry('q4', 'notice_queued', 4, storeNote('history.noticeNewMember', { to: 'omar@harbor.example' })),
  entry('q5', 'notice_queued', 5, null),
  entry('s1', 'notice_sent', 6, storeNote('history.noticeEmailed', { to: 'dana@acme.example' })),
  entry('s2', 'notice_sent', 7, storeNote('history.noticeEmailedNoCalls', { to: 'omar@harbor.example' })),
  entry('s3', 'notice_sent', 8, null),
  // A legacy row: the English sentence Tollgate once stored.
  entry('s4', 'notice_sent', 9, 'Block notice emailed to ana@acme.example'),
  entry('c', 'notice_queued', 10, storeNote('history.callsAfterNotice')),
];

/** Each entry as the reader reads it: heading, then its line (time · detail). */
const lines = (audience: 'customer' | 'staff', locale: 'en' | 'es' = 'en') =>
  [...render(h(Timeline, { events: EVENTS, audience }), locale).matchAll(/<li>(.*?)<\/li>/g)].map((m) =>
    text(m[1]!).trim(),
  );

describe('the block notice on the customer’s timeline', () => {
  it('reads as what happened to them: emailed, to whom, never the queue (en)', () => {
    expect(lines('customer')).toEqual([
      'Block placed by fraud monitoring Dec 7, 2026, 8:00 AM GMT+0 · Fraud monitoring blocked international calling.',
      'We emailed the block notice to dana@acme.example Dec 7, 2026, 8:00 AM GMT+0',
      'We emailed the block notice to omar@harbor.example Dec 7, 2026, 8:00 AM GMT+0 · The email did not list the calls: we did not have their details yet.',
      'We emailed the block notice Dec 7, 2026, 8:00 AM GMT+0',
      'We emailed the block notice to ana@acme.example Dec 7, 2026, 8:00 AM GMT+0',
      'About the block notice Dec 7, 2026, 8:00 AM GMT+0 · Our phone system’s details of the calls arrived after the block notice was emailed: they are on this page, not in the email.',
    ]);
  });

  it('reads the same in Spanish, nothing of a queue', () => {
    const es = lines('customer', 'es');
    expect(es[1]).toBe(
      'Enviamos el aviso de bloqueo por correo electrónico a dana@acme.example 7 dic 2026, 8:00 GMT+0',
    );
    expect(es[2]).toBe(
      'Enviamos el aviso de bloqueo por correo electrónico a omar@harbor.example 7 dic 2026, 8:00 GMT+0 · El correo no incluía las llamadas: aún no teníamos sus detalles.',
    );
    expect(es[3]).toBe('Enviamos el aviso de bloqueo por correo electrónico 7 dic 2026, 8:00 GMT+0');
    expect(es).toHaveLength(6);
    expect(es.join('\n')).not.toMatch(/cola|destinatario|espera|switch/i);
  });

  it.each(['en', 'es'] as const)('says nothing of queues, holds or recipients (%s)', (locale) => {
    const words = lines('customer', locale).join('\n');
    expect(words).not.toMatch(/queue|recipient|waits|goes out now|became a member/i);
    expect(words).not.toMatch(/en cola|destinatario|sale ahora|pasó a ser miembro/i);
  });

  it('staff keep every step in their words', () => {
    const staff = lines('staff');
    expect(staff).toHaveLength(EVENTS.length);
    expect(staff.filter((l) => l.startsWith('Block notice queued for email'))).toHaveLength(6);
    expect(staff).toContain(
      'Block notice emailed Dec 7, 2026, 8:00 AM GMT+0 · Tollgate · Block notice emailed to dana@acme.example',
    );
    expect(
      lines('staff', 'es').filter((l) => l.startsWith('Aviso de bloqueo en cola para enviarse por correo')),
    ).toHaveLength(6);
  });
});

describe('shownToCustomer', () => {
  it.each([
    ['notice_queued', 'history.recipients', false],
    ['notice_queued', 'history.noticeHeld', false],
    ['notice_queued', 'history.noticeReleasedCalls', false],
    ['notice_queued', 'history.noticeReleasedLift', false],
    ['notice_queued', 'history.noticeNewMember', false],
    ['notice_queued', null, false],
    ['notice_queued', 'history.callsAfterNotice', true],
    ['notice_sent', 'history.noticeEmailed', true],
    ['placed', null, true],
    ['lift_requested', 'history.liftPolicy', true],
    ['suspect_found', null, true],
  ] as const)('%s with %s: %s', (type, key, shown) => {
    expect(shownToCustomer(type, key)).toBe(shown);
  });
});
