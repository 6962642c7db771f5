import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { TechnicalDetails } from '@/components/ui/technical-details';
import { noteText } from '@/lib/i18n/note';
import { translate } from '@/lib/i18n/translate';
import { sipCharacterProblems } from '@/lib/passwords/sip-characters';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

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
