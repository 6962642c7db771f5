import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { TechnicalDetails } from '@/components/ui/technical-details';
import { noteText } from '@/lib/i18n/note';
import { storeNote } from '@/lib/i18n/stored';
import { translate } from '@/lib/i18n/translate';
import { sipCharacterProblems } from '@/lib/passwords/sip-characters';
import { readSwitchError, WITHDRAWN_ERRORS } from '@/lib/switch/error-text';
import en from '@/messages/en.json';
import es from '@/messages/es.json';
import { render, text } from '@/tests/helpers/intl-markup';

// A tester who walked the customer's journey as a dental office manager (2026-12): typing
// "contraseña123" said "Quite «ñ» (U+00F1): los teléfonos codifican de formas distintas los caracteres
// fuera de ASCII, así que el digest no coincidiría"; the Spanish pages said "Lo que el switch tiene
// registrado", "nuestro switch"; a registration's "Contact sip:…" and "RIR whois data of the NRO, via
// ip-location-db" were plain lines. Customer texts now say "our phone system" / "nuestra central" and
// plain reasons; a technical value that must stay is labelled as such and folded away
// (components/ui/technical-details.tsx). Staff texts keep the words staff know.

type Tree = { [k: string]: string | Tree };
const flatten = (tree: Tree, prefix = ''): [string, string][] =>
  Object.entries(tree).flatMap(([k, v]) =>
    typeof v === 'string' ? [[`${prefix}${k}`, v] as [string, string]] : flatten(v, `${prefix}${k}.`),
  );

/** The words a reader sees of a message: its literal text, in every branch, never a select's case names. */
function literal(elements: MessageFormatElement[]): string {
  return elements
    .map((el) => {
      if (el.type === TYPE.literal) return el.value;
      if (el.type === TYPE.plural || el.type === TYPE.select)
        return Object.values(el.options)
          .map((o) => literal(o.value))
          .join(' ');
      if (el.type === TYPE.tag) return literal(el.children);
      return ' ';
    })
    .join('');
}

/** The customer's texts: the pages, forms and mails a customer reads (not staff's, not the demo's). */
const CUSTOMER = [
  'dashboard.',
  'account.',
  // The block page, its request forms and what they answer (2026-12-07: "waiting for the switch to
  // confirm" was still on the block page, its list of open blocks and its explanation).
  'block.',
  'unblock.',
  'suspiciousDevices.',
  'outcome.request.',
  'outcome.callback.',
  'outcome.field.',
  'devices.',
  'reset.',
  'password.',
  'doors.',
  'ipPlace.',
  'timeline.',
  'errors.',
  'allowance.',
  'history.',
  'mail.blockLifted.',
  'mail.blockNotice.',
  'mail.requestReceived.',
  'mail.requestApproved.',
  'mail.requestDenied.',
  'mail.requestClosed.',
  'mail.requestLiftFailed.',
  'mail.sipPasswordChanged.',
  'outcome.reset.',
  'outcome.switch.',
  'outcome.again.',
  // A switch error as a customer's timeline says it, nested in a history note (lib/switch/error-text.ts).
  'customerSwitchError.',
];
/** Read by staff only, under a customer namespace: the agent's copy of a mail, support's sync list. */
const STAFF_ONLY = ['allowance.mail.notStarted.staff.', 'history.sync'];
/** Technical values labelled as such, under "Technical details": a customer may skip them. */
const TECHNICAL = new Set(['ipPlace.source', 'devices.contact']);

const JARGON =
  /\b(switch|softswitch|digest|registrar|E\.164|IDD|ASCII|RIR|NRO|whois|URIs?|GPU|user agent|agente de usuario|provisioning|aprovisionamiento|reconciliation|conciliador)\b/i;

describe.each([
  ['en', en],
  ['es', es],
] as const)('the %s customer texts', (_, catalogue) => {
  it('use plain words: no switch, digest, ASCII, URI, GPU, provisioning…', () => {
    const found = flatten(catalogue as unknown as Tree)
      .filter(([k]) => CUSTOMER.some((p) => k.startsWith(p)) && !STAFF_ONLY.some((p) => k.startsWith(p)))
      .filter(([k]) => !TECHNICAL.has(k))
      .flatMap(([k, v]) => {
        const m = JARGON.exec(literal(parse(v, { ignoreTag: false })));
        return m ? [`${k}: ${m[0]}`] : [];
      });
    expect(found).toEqual([]);
  });
});

/** The names of the ICU arguments a message uses, in every branch. */
function argumentNames(elements: MessageFormatElement[]): string[] {
  return elements.flatMap((el) => {
    if (el.type === TYPE.literal || el.type === TYPE.pound) return [];
    const own = 'value' in el && typeof el.value === 'string' ? [el.value] : [];
    if (el.type === TYPE.plural || el.type === TYPE.select)
      return [...own, ...Object.values(el.options).flatMap((o) => argumentNames(o.value))];
    if (el.type === TYPE.tag) return [...own, ...argumentNames(el.children)];
    return own;
  });
}

/**
 * A stored switch error of every kind lib/switch/error-text.ts reads (readSwitchError), as
 * lib/switch/outbox.ts and the allowance outbox store them, each detail in the switch's or
 * Tollgate's English, which a customer must never read.
 */
const STORED_ERRORS = [
  'timeout: no answer within 5000 ms',
  'connection_error: connect ECONNREFUSED 10.0.0.5:8443',
  'aborted: the switch request was aborted',
  'bad_body: HTTP 502 <html>Bad gateway</html>',
  'unavailable: HTTP 503 the switch is unavailable',
  'maintenance: HTTP 503 maintenance: switch upgrade until 02:00',
  'rate_limited: HTTP 429 rate_limited: slow down',
  'bad_body: HTTP 429 too many requests to the switch',
  'asked_to_wait: 600 s; rate_limited: HTTP 429 rate_limited: slow down',
  'asked_to_wait: 90 s; unavailable: HTTP 503 the switch is unavailable',
  'body_disagrees: the switch answered 200 with internationalCalling "blocked"',
  'not_in_force: the switch answered 200 without this allowance in force',
  'the switch answered 200 without this allowance in force',
  'rejected: HTTP 409 the switch refused',
  'not_found: HTTP 404 account not on the switch',
  ...WITHDRAWN_ERRORS,
  'account_closed: HTTP 409 account_closed: the switch says the account is closed',
  'account_closed: the account is closed on the switch',
  'The switch refused it (legacy words)',
];

describe.each([
  ['en', en],
  ['es', es],
] as const)('the %s customer timeline, with a switch error nested in its notes', (locale, catalogue) => {
  // A tester (2026-12-07): a customer whose lift was refused read "Our phone system refused the lift
  // (the switch answered “account_closed”)", in Spanish "(el switch respondió …)": the note was the
  // customer's, the switch error nested in it was worded for staff.
  const withError = flatten(catalogue as unknown as Tree)
    .filter(([k]) => CUSTOMER.some((p) => k.startsWith(p)) && !STAFF_ONLY.some((p) => k.startsWith(p)))
    .filter(([, v]) => argumentNames(parse(v, { ignoreTag: false })).includes('error'))
    .map(([k]) => k);

  it('finds the notes that carry one, and a stored error of every kind', () => {
    expect(withError).toContain('history.liftRefused');
    expect(new Set(STORED_ERRORS.map((e) => readSwitchError(e).kind)).size).toBe(13);
  });

  it.each(withError)('%s reads plain words for every kind of error', (key) => {
    const events = STORED_ERRORS.map((error, i) => ({
      id: `e${i}`,
      type: 'lift_requested' as const,
      title: 'lift_stopped' as const,
      at: new Date('2026-12-07T09:00:00Z'),
      detail: storeNote(key as `history.${string}`, { error, actor: 'policy', country: 'SO', hours: 1 }),
      by: null,
      suspect: null,
    }));
    const lines = [
      ...render(h(Timeline, { events, audience: 'customer' }), locale).matchAll(/<li>([\s\S]*?)<\/li>/g),
    ].map((m) => text(m[1]!));
    expect(lines).toHaveLength(STORED_ERRORS.length);
    const found = lines.flatMap((line, i) => {
      const m = JARGON.exec(line) ?? /Tollgate|\{|\bHTTP\b/.exec(line);
      return m ? [`${STORED_ERRORS[i]} → ${line}`] : [];
    });
    expect(found).toEqual([]);
  });
});

describe('a character some phones cannot take', () => {
  it('is named with what to use instead, not how phones encode it', () => {
    const [enye] = sipCharacterProblems('contraseña123');
    expect(noteText(translate('es'), enye!)).toBe(
      'Quite «ñ»: algunos teléfonos no lo aceptan y la contraseña no les funcionaría. Use letras sin acentos, números, guiones (-) y guiones bajos (_).',
    );
    expect(noteText(translate('en'), enye!)).toBe(
      'Remove “ñ”: some phones do not accept it, and the password would not work on them. Use letters without accents, digits, hyphens (-) and underscores (_) instead.',
    );
  });
});

describe('a technical value a customer may skip', () => {
  it('is folded under a "Technical details" disclosure, closed, in both languages', () => {
    for (const [catalogue, summary] of [
      [en, 'Technical details'],
      [es, 'Detalles técnicos'],
    ] as const) {
      expect(catalogue.app.technicalDetails).toBe(summary);
      const html = renderToStaticMarkup(
        h(TechnicalDetails, { summary: catalogue.app.technicalDetails, children: 'sip:desk@203.0.113.9' }),
      );
      // A native disclosure: keyboard and screen readers know it; nothing shown until it is opened.
      expect(html).toMatch(
        new RegExp(
          `^<details class="[^"]*"><summary[^>]*>${summary}</summary>sip:desk@203.0.113.9</details>$`,
        ),
      );
      expect(html).not.toContain(' open');
    }
  });
});
