import { describe, expect, it } from 'vitest';
import type { Locale } from '@/lib/i18n/locales';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { enrolmentCode } from '@/lib/mail/templates/enrolment-code';

// Testers R and S (2026-12): an agent turning on two-factor authentication was mailed a code whose
// footer said it was "about the security of your login to the customer portal of your VoIP
// provider": a staff login is to the support console, and its mail now says so.

const ctx = (locale: Locale, provider: string | null = 'Example Voice'): MailContext => ({
  t: mailTranslator(locale),
  locale,
  provider,
  support: '+1 212 555 0100 / help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'Europe/Madrid',
});
const code = (locale: Locale, staff?: boolean, provider?: string | null) =>
  enrolmentCode(
    {
      recipient: { name: 'Sam', email: 'sam@tollgate.example' },
      code: '482913',
      expires: new Date('2026-12-07T10:00:00Z'),
      ip: '203.0.113.7',
      purpose: 'enrol',
      ...(staff === undefined ? {} : { staff }),
    },
    ctx(locale, provider),
  );

describe('the two-factor enrolment code mail’s footer names where the login is', () => {
  it('a staff login: the support console, in English and Spanish, never the customer portal', () => {
    const en = code('en', true);
    expect(en.text).toContain(
      'You get this email because it is about the security of your login to the support console of Example Voice.',
    );
    expect(en.html).toContain('the support console of Example Voice.');
    const es = code('es', true);
    expect(es.text).toContain(
      'Recibe este correo porque se refiere a la seguridad de su acceso a la consola de soporte de Example Voice.',
    );
    for (const m of [en, es, code('en', true, null), code('es', true, null)]) {
      expect(m.text).not.toMatch(/customer portal|portal de clientes/);
      expect(m.html).not.toMatch(/customer portal|portal de clientes/);
    }
    // Without a provider's name, no dangling "of".
    expect(code('en', true, null).text).toContain('your login to the support console.');
  });

  it('a customer (said, or left out): the customer portal, as before', () => {
    for (const m of [code('en', false), code('en')]) {
      expect(m.text).toContain(
        'it is about the security of your login to the Example Voice customer portal.',
      );
      expect(m.text).not.toContain('support console');
    }
    expect(code('es', false).text).toContain('portal de clientes de Example Voice');
  });
});
