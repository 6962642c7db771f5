import { describe, expect, it } from 'vitest';
import {
  allowanceNotStarted,
  type AllowanceNotStartedData,
  type NotStartedCause,
} from '@/lib/mail/templates/allowance';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import type { Locale } from '@/lib/i18n/locales';

// allowance_not_started (lib/allowances/notify.ts notifyNotStarted): a grant the switch refused, or did
// not confirm within the hour, in each language, to the customer and to the deciding agent. Never
// "allowed"; the customer's copy links to the block page, the agent's to the staff console.

const ctx = (locale: Locale = 'en', region = 'US', timeZone = 'America/New_York'): MailContext => ({
  t: mailTranslator(locale, region),
  provider: 'Example Voice',
  support: '+1 212 555 0100 / help@voice.example',
  appUrl: 'https://portal.example',
  timeZone,
  locale,
  region,
});

const data = (over: Partial<AllowanceNotStartedData> = {}): AllowanceNotStartedData => ({
  recipient: { name: 'Dana' },
  account: { name: 'Acme Dental', number: 'ACC-1001' },
  allowance: { country: 'SO', decidedAt: new Date('2026-12-06T14:05:00Z'), blockId: 'blk1' },
  asker: { is: 'you' },
  error: 'country_not_allowed: allowances to SO need a contract amendment',
  staff: false,
  ...over,
});

const flat = (s: string) => s.replace(/\s+/g, ' ');
const render = (cause: NotStartedCause, over: Partial<AllowanceNotStartedData> = {}, c = ctx()) => {
  const m = allowanceNotStarted(data(over), cause, c);
  return { ...m, text: flat(m.text) };
};

describe('an allowance the switch refused, to the customer', () => {
  it('in English: not accepted, calls stay blocked, support will contact you, the block page; no switch error', () => {
    const m = render('refused');
    expect(m.subject).toBe(
      'Calls to Somalia (SO) stay blocked: our phone system did not accept the allowance — Acme Dental (ACC-1001)',
    );
    expect(m.text).toContain(
      'Our phone system did not accept the allowance for calls to Somalia (SO) from Acme Dental (ACC-1001) that you asked for and support approved on Dec 6, 2026, 9:05 AM GMT-5, so it is not in force.',
    );
    expect(m.text).toContain('Calls to Somalia (SO) stay blocked');
    expect(m.text).toContain('Support will contact you about it; you can also reach us: +1 212 555 0100');
    expect(m.text).toContain('https://portal.example/blocks/blk1');
    // The switch's error is for staff, and "allowed" is never this mail's word.
    expect(m.text).not.toContain('country_not_allowed');
    expect(m.text).not.toMatch(/are allowed|is allowed/i);
  });

  it('in Spanish, read alike in Spain and Latin America; a staff grant says "granted" and links the account', () => {
    const m = render(
      'refused',
      { allowance: { ...data().allowance, blockId: null }, asker: { is: 'support' } },
      ctx('es', 'MX', 'America/Mexico_City'),
    );
    expect(m.subject).toBe(
      'Las llamadas a Somalia (SO) siguen bloqueadas: nuestra central no aceptó el permiso — Acme Dental (ACC-1001)',
    );
    expect(m.text).toContain(
      'Nuestra central no aceptó el permiso para las llamadas a Somalia (SO) desde Acme Dental (ACC-1001) que soporte concedió el 6 dic 2026, 8:05 a.m.',
    );
    expect(m.text).toContain('Soporte se pondrá en contacto con usted');
    expect(m.text).toContain('https://portal.example/accounts/ACC-1001');
    expect(m.text).not.toMatch(/vosotros|ordenador|móvil|coger/);
    expect(m.html).toContain('lang="es-MX"');
  });
});

describe('an allowance given up after the hour, to the customer', () => {
  it('says it was not confirmed and calls may not go through, never "refused" nor "allowed"', () => {
    const en = render('gaveUp', { error: 'simulated_failure: 501' });
    expect(en.subject).toBe(
      'Calls to Somalia (SO) may not go through: our phone system did not confirm the allowance — Acme Dental (ACC-1001)',
    );
    expect(en.text).toContain(
      'Our phone system did not confirm within an hour the allowance for calls to Somalia (SO)',
    );
    expect(en.text).toContain('Support is checking it with our phone system');
    expect(en.text).not.toMatch(/refused|did not accept|are allowed/i);
    const es = render('gaveUp', {}, ctx('es', 'ES', 'Europe/Madrid'));
    expect(es.subject).toMatch(
      /^Puede que las llamadas a Somalia \(SO\) no se completen: nuestra central no confirmó el permiso/,
    );
    expect(es.text).toContain(
      'Nuestra central no confirmó en una hora el permiso para las llamadas a Somalia (SO)',
    );
    expect(es.text).toContain('Soporte lo está comprobando con nuestra central');
    expect(es.text).toContain('6 dic 2026, 15:05');
  });
});

describe('the deciding agent’s copy', () => {
  it('refused: the switch’s error in the agent’s words, what to check, the staff console', () => {
    const asker = { is: 'member' as const, email: 'dana@acme.example' };
    const en = render('refused', { staff: true, asker });
    expect(en.subject).toBe('The switch refused the allowance for Somalia (SO) — Acme Dental (ACC-1001)');
    expect(en.text).toContain(
      'that dana@acme.example asked for and you approved on Dec 6, 2026, 9:05 AM GMT-5: it answered “country_not_allowed”: allowances to SO need a contract amendment. It is not in force',
    );
    expect(en.text).toContain("Check the switch's answer with the switch engineers");
    expect(en.text).toContain('https://portal.example/staff/accounts/ACC-1001');
    expect(en.text).toContain('in the support console');
    const es = render('refused', { staff: true, asker }, ctx('es', 'ES', 'Europe/Madrid'));
    expect(es.subject).toBe('El switch rechazó el permiso para Somalia (SO) — Acme Dental (ACC-1001)');
    expect(es.text).toContain(
      'que dana@acme.example solicitó y usted aprobó el 6 dic 2026, 15:05 GMT+1: respondió «country_not_allowed»: allowances to SO need a contract amendment.',
    );
    expect(es.text).toContain('Compruebe la respuesta del switch');
  });

  it('gave up: the last error in the agent’s words, and that Tollgate asks the switch to remove it', () => {
    const en = render('gaveUp', { staff: true, error: 'timeout: no answer within 5000 ms' });
    expect(en.subject).toBe(
      'The switch did not confirm the allowance for Somalia (SO) — Acme Dental (ACC-1001)',
    );
    expect(en.text).toContain('(last: no answer in time)');
    expect(en.text).toContain('Tollgate asks the switch to remove it in case it got there');
    const es = render('gaveUp', { staff: true, error: null }, ctx('es', 'MX', 'America/Mexico_City'));
    expect(es.text).toContain('(último error: no se registró ningún error)');
  });
});
