import { describe, expect, it } from 'vitest';
import {
  allowanceDenied,
  allowanceReceived,
  type AllowanceRequestMailData,
  type DenialNow,
} from '@/lib/mail/templates/allowance';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import type { Locale } from '@/lib/i18n/locales';

// The mails to a customer who asked for a destination allowance (allowance_received, allowance_denied),
// in each language and for each state a denial can find when it is sent (lib/mail/render.ts).

const ctx = (locale: Locale = 'en', region = 'US', timeZone = 'America/New_York'): MailContext => ({
  t: mailTranslator(locale, region),
  provider: 'Example Voice',
  support: '+1 212 555 0100 / help@voice.example',
  appUrl: 'https://portal.example',
  timeZone,
  locale,
  region,
});

const data = (over: Partial<AllowanceRequestMailData['allowance']> = {}): AllowanceRequestMailData => ({
  recipient: { name: 'Dana' },
  asker: { is: 'you' },
  account: { name: 'Acme Dental', number: 'ACC-1001', country: 'US' },
  allowance: {
    country: 'SO',
    hours: 1,
    reason: 'Supplier in Mogadishu <b>now</b>',
    createdAt: new Date('2026-12-06T14:05:00Z'),
    blockId: 'blk1',
    callbackPhone: '+12025550143;ext=21',
    decisionNote: 'No answer on the callback number.',
    ...over,
  },
});

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('the receipt of an allowance request', () => {
  it('in English: country, hours (singular), when, the reason, the callback number with its extension, the block page', () => {
    const m = allowanceReceived(data(), ctx());
    expect(m.subject).toBe(
      'We received your request to allow calls to Somalia (SO) — Acme Dental (ACC-1001)',
    );
    const text = flat(m.text);
    expect(text).toContain(
      'We received your request of Dec 6, 2026, 9:05 AM GMT-5 to allow calls to Somalia (SO) from Acme Dental (ACC-1001) for 1 hour while international calling is blocked.',
    );
    expect(text).toContain('> Supplier in Mogadishu <b>now</b>');
    expect(m.html).toContain('Supplier in Mogadishu &lt;b&gt;now&lt;/b&gt;');
    expect(text).toContain('A support agent will call you back on +1 202 555 0143 ext. 21 before deciding.');
    expect(text).toContain('https://portal.example/blocks/blk1');
    expect(text).not.toMatch(/are allowed|approved/i);
  });

  it('in Spanish, with the date of the reader’s zone, read alike in Spain and Latin America', () => {
    const m = allowanceReceived(data({ hours: 3 }), ctx('es', 'ES', 'Europe/Madrid'));
    expect(m.subject).toBe(
      'Hemos recibido su solicitud para permitir las llamadas a Somalia (SO) — Acme Dental (ACC-1001)',
    );
    const text = flat(m.text);
    expect(text).toContain(
      'El 6 dic 2026, 15:05 GMT+1 recibimos su solicitud para permitir las llamadas a Somalia (SO) desde Acme Dental (ACC-1001) durante 3 horas',
    );
    expect(text).toContain('Un agente de soporte le llamará al');
    expect(text).toContain('Ver su solicitud');
    expect(m.html).toContain('lang="es-ES"');
  });
});

describe('the denial of an allowance request', () => {
  const cases: [DenialNow, RegExp, RegExp][] = [
    [
      'blocked',
      /Calls to Somalia \(SO\) stay blocked, .* you can ask again from the block page, or contact us: \+1 212 555 0100/,
      /Las llamadas a Somalia \(SO\) siguen bloqueadas, .* puede volver a solicitarlo desde la página del bloqueo/,
    ],
    [
      'askedAgain',
      /Since then, a newer allowance for Somalia \(SO\) has been asked for or granted on Acme Dental \(ACC-1001\): the block page shows where it stands\./,
      /Desde entonces, se ha solicitado o concedido un permiso más reciente para Somalia \(SO\) en Acme Dental \(ACC-1001\)/,
    ],
    [
      'unblocked',
      /Since then, the block has been lifted and no block is in force on Acme Dental \(ACC-1001\): every country can be called, so no allowance is needed\./,
      /Desde entonces, el bloqueo se ha levantado y Acme Dental \(ACC-1001\) ya no tiene ningún bloqueo en vigor: puede llamar a cualquier país/,
    ],
  ];

  it.each(cases)('%s: the agent’s reason, and what holds now, in English and Spanish', (now, en, es) => {
    const m = allowanceDenied(data(), now, ctx());
    expect(m.subject).toBe('Request to allow calls to Somalia (SO) declined — Acme Dental (ACC-1001)');
    const text = flat(m.text);
    expect(text).toContain(
      'A support agent declined your request of Dec 6, 2026, 9:05 AM GMT-5 to allow calls to Somalia (SO) from Acme Dental (ACC-1001) for 1 hour.',
    );
    expect(text).toMatch(/The agent's reason -+ > No answer on the callback number\./);
    expect(text).toMatch(en);
    // Only the state it is sent in: never "stay blocked" once that is false.
    if (now !== 'blocked') expect(text).not.toContain('stay blocked');
    expect(text).toContain('https://portal.example/blocks/blk1');
    const s = allowanceDenied(data(), now, ctx('es', 'MX', 'America/Mexico_City'));
    expect(s.subject).toBe(
      'Solicitud para permitir las llamadas a Somalia (SO) rechazada — Acme Dental (ACC-1001)',
    );
    expect(flat(s.text)).toContain('la solicitud que envió el 6 dic 2026, 8:05 a.m.');
    expect(flat(s.text)).toMatch(/Motivo indicado por el agente -+ > No answer on the callback number\./);
    expect(flat(s.text)).toMatch(es);
  });

  it('without a note, no empty reason heading', () => {
    const text = allowanceDenied(data({ decisionNote: null }), 'blocked', ctx()).text;
    expect(text).not.toContain("The agent's reason");
  });
});
