import { createElement as h } from 'react';
import { describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { noteText } from '@/lib/i18n/note';
import { storedText, storeNote } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { switchErrorNote, switchErrorText, WITHDRAWN_ERRORS } from '@/lib/switch/error-text';
import { render, text } from '@/tests/helpers/intl-markup';

// A tester (2026-12-07): a customer whose lift was refused read on the block page's timeline "Our
// phone system refused the lift (the switch answered “account_closed”)", in Spanish "(el switch
// respondió «account_closed»)": the switch error nested in the note was worded for staff. Customers
// now read `customerSwitchError.*` ("our phone system", "nuestra central"); staff read as before.

const en = translate('en');
const es = translate('es');

const CLOSED = 'account_closed: HTTP 409 account_closed: the account is closed';
const REFUSED = storeNote('history.liftRefused', { error: CLOSED });

describe('a lift the switch refused, on the customer’s timeline', () => {
  it('names the switch’s code, in customer words, and none of its English', () => {
    expect(storedText(en, REFUSED, 'customer')).toBe(
      'Our phone system refused the lift (answer code “account_closed”). Support will follow up.',
    );
    expect(storedText(es, REFUSED, 'customer')).toBe(
      'Nuestra central rechazó el levantamiento (código de respuesta «account_closed»). Soporte hará el seguimiento.',
    );
  });

  it('reads in staff words to staff, who know the switch', () => {
    expect(storedText(en, REFUSED)).toBe(
      'The switch refused the lift (it answered “account_closed”). The block stays in force; support follows up with the customer.',
    );
    expect(storedText(es, REFUSED, 'staff')).toMatch(
      /^El switch rechazó el levantamiento \(respondió «account_closed»\)/,
    );
  });

  // B3 (2026-12): the reader was inferred from a `showActor` flag a page could leave out. It is the
  // `audience` every page states now, and it alone decides the words and who an entry names.
  it('is chosen by the timeline’s audience, which every page states', () => {
    const events = [
      {
        id: 'e1',
        type: 'lift_requested' as const,
        title: 'lift_stopped' as const,
        at: new Date('2026-12-07T09:00:00Z'),
        detail: REFUSED,
        actor: 'switch',
        by: null,
        suspect: null,
      },
      {
        id: 'e2',
        type: 'request_submitted' as const,
        title: 'request_submitted' as const,
        at: new Date('2026-12-07T09:05:00Z'),
        detail: null,
        actor: 'dana@acme.example',
        by: { is: 'you' as const },
        suspect: null,
      },
    ];
    const customer = text(render(h(Timeline, { events, audience: 'customer' }), 'es'));
    expect(customer).toContain('(código de respuesta «account_closed»)');
    expect(customer).not.toMatch(/switch/i);
    expect(customer).toContain('por usted'); // the member who sent it, never the login behind it
    expect(customer).not.toContain('dana@acme.example');
    const staff = text(render(h(Timeline, { events, audience: 'staff' }), 'es'));
    expect(staff).toContain('(respondió «account_closed»)');
    expect(staff).toContain('dana@acme.example');
    expect(staff).not.toContain('por usted');
    // The flag the audience was once inferred from is gone, and changes nothing if a caller still sends it.
    // @ts-expect-error `showActor` is no prop of the timeline any more
    const flagged = text(render(h(Timeline, { events, audience: 'customer', showActor: true }), 'en'));
    expect(flagged).toContain('(answer code “account_closed”)');
    expect(flagged).not.toContain('dana@acme.example');
    // @ts-expect-error the audience is required: no page may leave the reader to a default
    expect(text(render(h(Timeline, { events }), 'en'))).toBeTypeOf('string');
  });
});

describe('a switch error in a customer’s words', () => {
  it('keeps the switch’s code only where it is the reason the switch gave', () => {
    // A refusal with the switch's own code: the code is what a customer quotes to support.
    expect(switchErrorNote(CLOSED, 'customer')).toEqual({
      key: 'customerSwitchError.answered',
      values: { code: 'account_closed' },
    });
    // "Try later" answers: the state is said in words; its code is support's to read.
    expect(switchErrorNote('maintenance: HTTP 503 maintenance: back at 02:00', 'customer')).toEqual({
      key: 'customerSwitchError.unavailable',
    });
    expect(switchErrorNote('rate_limited: HTTP 429 rate_limited: slow down', 'customer')).toEqual({
      key: 'customerSwitchError.askedToWait',
      values: {},
    });
    // How long the switch asked to wait is plain time, kept.
    expect(
      noteText(
        es,
        switchErrorNote('asked_to_wait: 600 s; rate_limited: HTTP 429 rate_limited: x', 'customer'),
      ),
    ).toBe('nuestra central estaba ocupada y pidió que lo intentáramos de nuevo dentro de 10 minutos');
    // Text Tollgate could not read apart is its own or the switch's English: not repeated.
    expect(switchErrorNote('The switch refused it', 'customer')).toEqual({
      key: 'customerSwitchError.other',
    });
  });

  it('the same failure still reads the switch’s code and words to staff', () => {
    expect(switchErrorNote('maintenance: HTTP 503 maintenance: back at 02:00')).toEqual({
      key: 'switchError.unavailableAnswered',
      values: { code: 'maintenance' },
    });
    expect(switchErrorText(en, CLOSED)).toBe('the switch answered “account_closed”: the account is closed');
    expect(switchErrorText(en, CLOSED, 'customer')).toBe('answer code “account_closed”');
  });

  it('has words in both languages for every withdrawal, none of them the switch or Tollgate', () => {
    for (const stored of WITHDRAWN_ERRORS)
      for (const t of [en, es]) {
        const words = noteText(t, switchErrorNote(stored, 'customer'));
        expect(words).toMatch(/^(we withdrew the change|retiramos el cambio): /);
        expect(words).not.toMatch(/switch|Tollgate/i);
      }
  });
});
