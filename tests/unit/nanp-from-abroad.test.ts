import type { CountryCode } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import type { Locale } from '@/lib/i18n/locales';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { mailTranslator } from '@/lib/mail/templates/context';
import { checkCallbackNumber } from '@/lib/phone/callback';
import { describeDialled } from '@/lib/phone/format';

// "NANP outside the US and Canada" is high-cost because inside the NANP a Caribbean number is dialled
// like a domestic one ("1 809…") and billed as international. From Spain or Latin America every +1
// number is international, the US's included: a Spanish customer's callback number in the Dominican
// Republic was refused as "tarifa elevada", and a call there said "se marca como un número de EE. UU.,
// pero se cobra como internacional".

const DOMINICAN = '+1 809 234 5678';
const PUERTO_RICO = '+1 787 234 5678';
const DOMINICAN_829 = '+1 829 234 5678';

/** The block notice's text for one call to `to` from an account in `country`, in `locale`. */
const notice = (to: string, country: string, locale: Locale) =>
  blockNotice(
    {
      recipient: { email: 'ana@clinica.example', name: null },
      account: { name: 'Clínica Dental', number: 'ACC-3001', country },
      block: { id: 'b1', reason: 'high_risk_destination', placedAt: new Date('2026-11-25T09:14:03Z') },
      calls: [
        {
          at: new Date('2026-11-25T09:13:58Z'),
          sipUsername: 'recepcion',
          to,
          sourceIp: '203.0.113.9',
          durationSec: 0,
        },
      ],
      credentials: [],
      link: null,
    },
    {
      t: mailTranslator(locale),
      locale,
      provider: 'Voz Ejemplo',
      support: 'ayuda@voz.example',
      appUrl: 'https://portal.example',
      timeZone: 'Europe/Madrid',
    },
  ).text;

describe('a Caribbean NANP number from outside the NANP is an international call like any other', () => {
  it.each([
    ['ES', DOMINICAN],
    ['ES', PUERTO_RICO],
    ['ES', DOMINICAN_829],
    ['MX', DOMINICAN],
    ['MX', PUERTO_RICO],
    ['CO', DOMINICAN_829],
    ['CO', DOMINICAN],
    ['AR', '+1 876 210 1234'], // Jamaica
  ] as const)(
    'from %s, %s is international and not high-cost; support may call it back',
    (account, number) => {
      expect(describeDialled(number, account)).toMatchObject({ international: true, highCost: null });
      expect(checkCallbackNumber(number, account, [], 'es')).toMatchObject({ ok: true });
    },
  );

  it('the block notice says nothing of "billed as international", in Spanish or English', () => {
    for (const [to, line] of [
      ['+18092345678', 'A +1 809 234 5678 (República Dominicana)'],
      ['+17872345678', 'A +1 787 234 5678 (Puerto Rico)'],
    ] as const) {
      expect(notice(to, 'ES', 'es')).toContain(line);
      expect(notice(to, 'ES', 'es')).not.toContain('Destino de tarifa elevada');
      expect(notice(to, 'ES', 'es')).not.toContain('se cobra como internacional');
      expect(notice(to, 'MX', 'en')).not.toContain('High-cost destination');
      expect(notice(to, 'MX', 'en')).not.toContain('charged as international');
    }
  });

  it('a +1 number in the block’s own calls is still refused as a callback from abroad', () => {
    expect(checkCallbackNumber(DOMINICAN, 'ES', ['+18095550123'], 'es')).toMatchObject({
      ok: false,
      reason: 'block_destination',
    });
  });
});

describe('from an account inside the NANP the rule holds', () => {
  it.each([
    ['US', DOMINICAN],
    ['US', DOMINICAN_829],
    ['CA', DOMINICAN],
    ['CA', PUERTO_RICO], // Canada's carriers are not bound by US rate integration
    // Puerto Rico is itself in the NANP: a Dominican number is dialled from there as "1 809…" and
    // billed as international, so it stays flagged; US numbers and the US territories are not.
    ['PR', DOMINICAN],
    ['JM', DOMINICAN],
  ] as const)('from %s, %s is high-cost and not a callback number', (account, number) => {
    expect(describeDialled(number, account).highCost).toBe('nanp_outside_us_ca');
    expect(checkCallbackNumber(number, account, [], 'es')).toMatchObject({ ok: false, reason: 'high_cost' });
  });

  it('not the US and its territories from the US or Puerto Rico', () => {
    expect(describeDialled(PUERTO_RICO, 'US').highCost).toBeNull();
    expect(describeDialled('+1 212 555 0123', 'PR').highCost).toBeNull();
    expect(describeDialled('+1 340 642 1234', 'PR').highCost).toBeNull(); // US Virgin Islands
  });

  it('the US block notice still says "charged as international", and so does an unknown country’s', () => {
    expect(notice('+18092345678', 'US', 'en')).toContain('charged as international');
    expect(notice('+18092345678', 'US', 'es')).toContain('se cobra como internacional');
    // A country libphonenumber does not know is read as DEFAULT_COUNTRY's (US): flagged, not thrown.
    expect(notice('+18092345678', 'XX', 'en')).toContain('charged as international');
    // Its calls are read as the block page reads them, national ones too (they threw "Unknown country").
    expect(notice('2125550123', 'XX', 'en')).toContain('To +1 212 555 0123 (United States)');
  });

  it('premium-rate and satellite numbers stay high-cost from everywhere', () => {
    for (const account of ['ES', 'MX', 'US'] as CountryCode[]) {
      expect(describeDialled('+881612345678', account).highCost, account).toBe('satellite');
      expect(describeDialled('+8823100456', account).highCost, account).toBe('international_network');
    }
  });
});
