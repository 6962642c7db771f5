import { describe, expect, it } from 'vitest';
import { callShown } from '@/components/block/trigger-calls';
import type { Locale } from '@/lib/i18n/locales';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';

// A tester in Madrid (2026-12-07): a call to "9 011 882 16 1234567", which Tollgate cannot read from a
// Spanish account, reached the block notice as "901 188 216 123 4567" (a Spanish 901 number, to a
// reader there) beside words saying the block page shows it as our phone system logged it; the page
// showed "9 011 882 16 1234567". The mail now shows what the page shows.

const RAW = '9 011 882 16 1234567';

const ctx = (locale: Locale): MailContext => ({
  t: mailTranslator(locale),
  provider: 'Example Voice',
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'Europe/Madrid',
  locale,
});

const notice = (locale: Locale) =>
  blockNotice(
    {
      recipient: { email: 'ana@clinica.example', name: null },
      account: { name: 'Clínica Dental', number: 'ACC-7532', country: 'ES' },
      block: { id: 'blk1', reason: 'high_risk_destination', placedAt: new Date('2026-11-25T20:18:20Z') },
      calls: [
        {
          at: new Date('2026-11-25T20:18:12Z'),
          sipUsername: 'clinica-recepcion',
          to: RAW,
          sourceIp: '203.0.113.9',
          durationSec: 0,
        },
      ],
      credentials: [{ username: 'clinica-recepcion', label: 'Recepción' }],
      link: null,
    },
    ctx(locale),
  );

describe('an unreadable dialled number in the block notice', () => {
  it('is the text the block page shows, in English and Spanish, text and HTML, never regrouped', () => {
    const onPage = callShown(
      { sipUsername: 'clinica-recepcion', to: RAW, sourceIp: '203.0.113.9' },
      'ES',
      'es',
    ).number;
    expect(onPage).toBe(RAW);
    const said = {
      en: `To ${RAW} (a number we could not read; the block page shows it as our phone system logged it)`,
      es: `A ${RAW} (un número que no hemos podido leer; la página del bloqueo lo muestra tal como lo registró nuestra central)`,
    };
    for (const locale of ['en', 'es'] as const) {
      const m = notice(locale);
      for (const body of [m.text, m.html]) {
        expect(body, locale).toContain(said[locale]);
        expect(body, locale).not.toContain('901 188');
      }
    }
  });
});
