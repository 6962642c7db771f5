import { describe, expect, it } from 'vitest';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { sipPasswordChanged } from '@/lib/mail/templates/sip-password-changed';

// The SIP password alert's "Who:" line read "Quién: ana@xn--clnica-peasco-xib1e.es" (the login as
// stored, its domain in ASCII), and "Quién: unknown user" in a Spanish mail when the login was not
// found. A mail queued before the fix carries those values still: the template decides.

const ctx = (locale: 'en' | 'es'): MailContext => ({
  t: mailTranslator(locale),
  provider: 'Example Voice',
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'Europe/Madrid',
  locale,
});

const alert = (by: string | null, locale: 'en' | 'es' = 'es') =>
  sipPasswordChanged(
    {
      recipient: { name: 'Ana' },
      account: { name: 'Clínica Peñasco', number: 'ACC-3001' },
      credential: { username: 'recepcion', label: 'Recepción' },
      changedAt: new Date('2026-11-25T15:00:00Z'),
      ip: '198.51.100.23',
      by,
    },
    ctx(locale),
  );

describe('the SIP password alert says who changed it as people read it', () => {
  it('an internationalised address with its domain in Unicode', () => {
    const m = alert('ana@xn--clnica-peasco-xib1e.es');
    for (const body of [m.text, m.html]) {
      expect(body).toContain('Quién: ana@clínica-peñasco.es');
      expect(body).not.toContain('xn--');
    }
  });

  it('a login that was not found as “unknown” in the reader’s language, also in a mail queued before', () => {
    for (const by of [null, 'unknown user']) {
      expect(alert(by).text).toContain('Quién: desconocido');
      expect(alert(by).text).not.toContain('unknown user');
      expect(alert(by, 'en').text).toContain('By: unknown');
    }
  });
});
