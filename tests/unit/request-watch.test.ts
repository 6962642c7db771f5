import { NextIntlClientProvider } from 'next-intl';
import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { claimFocusMoves } from '@/components/staff/claim-forms';
import { RequestCameBack } from '@/components/staff/request-came-back';
import {
  CLOSED_FORMS,
  changeText,
  closedFocusMoves,
  stopClosedSubmit,
  waitsNoMore,
  watchUrl,
} from '@/components/staff/request-watch';
import { translator } from '@/lib/i18n/translate';
import type { CameBack } from '@/lib/requests/came-back';
import type { RequestChange } from '@/lib/requests/watch';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// The staff request page while an agent works it (tester, fraud-wave morning): what its watch says
// when the request changed under it (components/staff/request-watch.tsx), what a request back after
// a refused lift says (request-came-back.tsx), and where the keyboard focus goes after "Take this
// request" (claim-forms.tsx: it stayed on the button, now "Keep it 20 more minutes", and a second
// Enter kept the request).

const at = '2026-12-06T15:17:00.000Z';
const when = (iso: string) => `«${iso}»`;
const say = (locale: 'en' | 'es', change: RequestChange) => {
  const t = translator(locale);
  return changeText(
    (key, values) => t(`staff.decision.watch.${key}` as never, values as never),
    change,
    when,
  );
};

describe("the request page's notice of what changed", () => {
  it('names who did what, and when, in English and in Spanish', () => {
    const sam = 'sam@tollgate.example';
    expect(say('en', { kind: 'denied', by: sam, you: false, at })).toBe(
      `${sam} denied this request on «${at}».`,
    );
    expect(say('es', { kind: 'denied', by: sam, you: false, at })).toBe(
      `${sam} rechazó esta solicitud el «${at}».`,
    );
    expect(say('en', { kind: 'approved', by: sam, you: true, at })).toBe(
      `You approved this request on «${at}».`,
    );
    expect(say('en', { kind: 'withdrawn', by: 'dana@acme.example', at })).toBe(
      `The customer (dana@acme.example) withdrew this request on «${at}».`,
    );
    expect(say('en', { kind: 'withdrawn', by: null, at })).toBe(
      `The customer withdrew this request on «${at}».`,
    );
    expect(say('en', { kind: 'closed', at })).toBe(
      `This request closed without a decision on «${at}»: its block was lifted.`,
    );
    expect(say('en', { kind: 'taken', by: 'rita@t.example', you: false, fromYou: false, at })).toBe(
      `rita@t.example took this request on «${at}».`,
    );
    expect(say('en', { kind: 'taken', by: 'rita@t.example', you: false, fromYou: true, at })).toBe(
      `rita@t.example took this request over from you on «${at}».`,
    );
    expect(say('es', { kind: 'taken', by: 'rita@t.example', you: false, fromYou: true, at })).toBe(
      `rita@t.example tomó el relevo de esta solicitud, que era suya, el «${at}».`,
    );
    expect(say('en', { kind: 'cameBack', by: sam, you: false, at })).toBe(
      `${sam} approved this request on «${at}», but the block was not lifted: the request is waiting again.`,
    );
    expect(say('en', { kind: 'cameBack', by: null, you: false, at })).toBe(
      'This request was approved, but the block was not lifted: the request is waiting again.',
    );
    expect(say('en', { kind: 'released' })).toBe(
      'This request was given back to the queue: nobody has taken it now.',
    );
    expect(say('es', { kind: 'changed' })).toBe(
      'El bloqueo de esta solicitud ha cambiado desde que se mostró esta página.',
    );
  });

  it('closes the decisions only when the request waits no more', () => {
    const closing: RequestChange[] = [
      { kind: 'approved', by: 's', you: false, at },
      { kind: 'denied', by: 's', you: false, at },
      { kind: 'withdrawn', by: null, at },
      { kind: 'closed', at },
    ];
    const staying: (RequestChange | null)[] = [
      null,
      { kind: 'taken', by: 's', you: false, at, fromYou: false },
      { kind: 'released' },
      { kind: 'cameBack', by: 's', you: false, at },
      { kind: 'changed' },
    ];
    for (const c of closing) expect(waitsNoMore(c), c.kind).toBe(true);
    for (const c of staying) expect(waitsNoMore(c), c?.kind ?? 'none').toBe(false);
  });

  it('asks the route with what the page was drawn with and the last answer it had', () => {
    const url = new URL(
      watchUrl('req 1', { mark: 'pending.u1.17.4', back: 'a1' }, 'pending...5'),
      'http://x',
    );
    expect(url.pathname).toBe('/api/staff/requests/req%201/watch');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      seen: 'pending.u1.17.4',
      back: 'a1',
      known: 'pending...5',
    });
  });
});

describe('the keyboard focus after "Take this request"', () => {
  const nobody = { from: '', mine: false };
  const mine = { from: '', mine: true };
  const sams = { from: 'sam', mine: false };
  it('goes to the sentence saying who holds it when a press changed the holder under it', () => {
    expect(claimFocusMoves(nobody, mine, true)).toBe(true); // taken: the button now reads "Keep it…"
    expect(claimFocusMoves(sams, mine, true)).toBe(true); // taken over
    expect(claimFocusMoves(nobody, sams, true)).toBe(true); // refused: Sam took it; "Take over from Sam"
  });
  it('stays after "Keep it 20 more minutes", and is not taken from elsewhere on the page', () => {
    expect(claimFocusMoves(mine, mine, true)).toBe(false);
    expect(claimFocusMoves(nobody, mine, false)).toBe(false);
  });
});

describe('a request back after an approval, as the page and the queue say it', () => {
  const back: CameBack = {
    id: 'a1',
    at: new Date('2026-12-06T15:06:00Z'),
    how: 'refused',
    error: 'account_under_investigation: HTTP 409 account_under_investigation: Account under investigation',
    approvedBy: 'rita@tollgate.example',
    approvedAt: new Date('2026-12-06T15:05:00Z'),
  };
  const render = (locale: 'en' | 'es', el: ReactNode) =>
    renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale,
        messages: locale === 'en' ? en : es,
        timeZone: 'Europe/Madrid',
        children: el,
      }),
    ).replace(/<[^>]+>/g, '');
  it('names who approved, when, what the switch answered, and to check with the switch first', () => {
    expect(render('en', h(RequestCameBack, { back }))).toBe(
      'Back in the queue after an approval. Approved by rita@tollgate.example on Dec 6, 2026, 4:05 PM GMT+1; ' +
        'the switch refused the lift (it answered “account_under_investigation”: Account under investigation).' +
        'The block is still in force. Check with the switch why before you approve this request again: the same lift may be refused again.',
    );
    expect(
      render('es', h(RequestCameBack, { back: { ...back, how: 'notApplied', error: 'body_disagrees: x' } })),
    ).toMatch(
      /^De vuelta en la cola tras una aprobación\. Aprobada por rita@tollgate\.example el 6 dic 2026, 16:05 GMT\+1; el switch respondió, pero no levantó el bloqueo \(respondió con el otro estado\)\.El bloqueo sigue en vigor\. Consulte con el switch/,
    );
    expect(
      render(
        'en',
        h(RequestCameBack, {
          back: {
            ...back,
            how: 'cancelled',
            approvedBy: null,
            error: 'superseded: the switch placed a new block on this account',
          },
        }),
      ),
    ).toBe(
      'Back in the queue after an approval. Approved earlier; the lift was withdrawn before the switch applied it ' +
        '(Tollgate withdrew the change: a new block was placed on this account).' +
        'The block is still in force. Read the block’s timeline before you approve this request again.',
    );
  });
});

describe('forms a request that waits no more has closed (e2e/20: axe, focus)', () => {
  it('moves the focus to the "forms closed" line only as they close with the focus inside them', () => {
    expect(closedFocusMoves(false, true, true)).toBe(true);
    // The agent is elsewhere (the notice, another tab's field): the focus is theirs.
    expect(closedFocusMoves(false, true, false)).toBe(false);
    // Already closed, or open: it never moves again.
    expect(closedFocusMoves(true, true, true)).toBe(false);
    expect(closedFocusMoves(false, false, true)).toBe(false);
    expect(closedFocusMoves(true, false, true)).toBe(false);
  });

  it('stops a submission once closed (no action runs), and none while open', () => {
    const event = () => {
      const e = { prevented: false, stopped: false, preventDefault() {}, stopPropagation() {} };
      e.preventDefault = () => void (e.prevented = true);
      e.stopPropagation = () => void (e.stopped = true);
      return e;
    };
    const closed = event();
    stopClosedSubmit(true)(closed);
    expect(closed).toMatchObject({ prevented: true, stopped: true });
    const open = event();
    stopClosedSubmit(false)(open);
    expect(open).toMatchObject({ prevented: false, stopped: false });
  });

  it('styles closed buttons at full opacity in dark on light, never greyed below contrast', () => {
    const classes = CLOSED_FORMS.split(' ');
    expect(classes).toContain('[&_button[aria-disabled=true]]:opacity-100');
    expect(classes).toContain('[&_button[aria-disabled=true]]:text-slate-800');
    expect(classes).toContain('[&_button[aria-disabled=true]]:bg-slate-100');
    expect(CLOSED_FORMS).not.toMatch(/opacity-(?!100)/);
  });
});
