import { type CountryCode, getExampleNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import examples from 'libphonenumber-js/mobile/examples';
import { describe, expect, it } from 'vitest';
import { readTriggerCalls } from '@/lib/blocks/trigger-calls';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { mailTranslator } from '@/lib/mail/templates/context';
import { checkCallbackNumber, readCallback } from '@/lib/phone/callback';
import { describeDialled, parseUserPhone, readDialled } from '@/lib/phone/format';
import { trunkPrefixOf } from '@/lib/phone/plan';
import { prefixSlip } from '@/lib/requests/dialling';
import { misdialLikelihood } from '@/lib/requests/misdial-likelihood';

// The switch is the truth: a number it cannot validate it sends exactly as dialled (switch/kamailio/
// kamailio.cfg, position 3). The portal read "+630123456" back with libphonenumber, which strips the
// Philippine trunk "0" (+63 123456) and rewrites superseded forms (lib/phone/legacy.ts, meant for
// people's old contacts): the trigger call was stored as a number nobody dialled, and the "00 instead
// of 0" hint (lib/requests/dialling.ts prefixSlip) and the misdial likelihood's trunk_prefix signal
// found nothing on it.

const at = new Date('2026-11-24T10:15:00Z');
/** The `to` readTriggerCalls stores for one call the switch reported to `to`, from `country`. */
const stored = (to: string, country: CountryCode) =>
  readTriggerCalls([{ at: at.toISOString(), from: 'acme-reception', to, durationSec: 0 }], country, at)
    .kept[0]!.to;

// The reviewer's numbers: a national number dialled with "00" in front, as the switch reported them.
const REVIEWED: [CountryCode, string, string][] = [
  ['ES', '+630123456', '630 12 34 56'],
  ['ES', '+610936834', '610 93 68 34'],
  ['ES', '+980649206', '980 64 92 06'],
  ['ES', '+400123456', '400 12 34 56'],
  ['ES', '+640123456', '640 12 34 56'],
  ['ES', '+820123456', '820 12 34 56'],
  ['ES', '+950123456', '950 12 34 56'],
  ['MX', '+5621234567', '56 2123 4567'],
  ['MX', '+4401234567', '440 123 4567'],
  ['MX', '+9001234567', '900 123 4567'],
  ['AR', '+2614123456', '0261 412-3456'],
  ['AR', '+111523456789', '011 15-2345-6789'],
];

describe('a number the switch wrote is stored and shown as it dialled it', () => {
  it.each(REVIEWED)('%s: %s stays %s as written', (country, to) => {
    expect(stored(to, country)).toBe(to);
    expect(describeDialled(to, country)).toMatchObject({ e164: to, form: 'e164' });
  });

  it('with the country its digits name, not the one a rewrite would', () => {
    expect(describeDialled('+630123456', 'ES', 'es')).toMatchObject({
      display: '+63 0123456',
      countryName: 'Filipinas',
    });
    // Not the valid Santiago line +56 2 2123 4567 that Chile's pre-2012 form denotes today.
    expect(describeDialled('+5621234567', 'MX')).toMatchObject({ e164: '+5621234567', country: 'CL' });
    expect(describeDialled('+2614123456', 'AR')).toMatchObject({ e164: '+2614123456', country: 'MG' });
  });

  it('the same after an international prefix or a PBX’s access code', () => {
    expect(stored('00630123456', 'ES')).toBe('+630123456');
    expect(stored('0 00 630123456', 'ES')).toBe('+630123456');
    expect(stored('sip:+5621234567@switch.example;user=phone', 'MX')).toBe('+5621234567');
    expect(stored('00 1 11523456789', 'AR')).toBe('+111523456789');
  });

  it('every national number of Spain and Latin America dialled with "00" in front is stored as dialled', () => {
    // libphonenumber's example numbers of each country with their last digits varied: the number a
    // person meant, dialled after "00" (no trunk prefix: "00" + 630 12 34 56; "00" + 11 15 2345 6789).
    let seed = 0x0a11;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return Math.floor((seed / 2 ** 31) * n);
    };
    let found = 0;
    for (const country of ['ES', 'MX', 'AR', 'CO', 'CL', 'PE', 'EC', 'UY'] as CountryCode[]) {
      const example = getExampleNumber(country, examples)!.formatNational().replace(/\D/g, '');
      const trunk = trunkPrefixOf(country);
      for (let k = 0; k < 150; k++) {
        const national = example.slice(0, -4) + String(random(10_000)).padStart(4, '0');
        if (!parsePhoneNumberFromString(national, country)?.isValid()) continue;
        const to = `+${national.slice(trunk && national.startsWith(trunk) ? trunk.length : 0)}`;
        const where = `${to} from ${country}`;
        const kept = stored(to, country);
        // As written, or with a trunk prefix after the code dropped where that is a valid number (the
        // switch drops it too: kamailio.cfg position 2).
        if (kept !== to) expect(parsePhoneNumberFromString(to)?.isValid(), where).toBe(true);
        // The hint reads the stored call as it reads the switch's text.
        expect(prefixSlip([kept], country), where).toEqual(prefixSlip([to], country));
        if (prefixSlip([kept], country)) found++;
      }
    }
    expect(found).toBeGreaterThan(200);
  });

  it('a valid number stays as it is, and a trunk prefix after the code goes only when that makes one', () => {
    expect(stored('+34612345678', 'ES')).toBe('+34612345678');
    expect(stored('+12015550123', 'MX')).toBe('+12015550123');
    expect(stored('+525512345678', 'AR')).toBe('+525512345678');
    expect(stored('+4407797123456', 'ES')).toBe('+447797123456'); // Jersey's mobile, as the switch reads it
    expect(stored('*97', 'ES')).toBe('*97');
  });
});

describe('the misdial hint finds the slip on the stored call', () => {
  it.each(REVIEWED)('%s: %s is %s dialled with 00 in front', (country, to, national) => {
    // The dialled digits grouped as the national number is, its trunk prefix left out (slipDigits):
    // "00 630 12 34 56", "00 261 412-3456".
    const digits = national.slice(trunkPrefixOf(country).length);
    expect(prefixSlip([stored(to, country)], country)).toEqual({ idd: '00', digits, national });
    expect(digits.replace(/\D/g, '')).toBe(to.slice(1));
  });

  it('the misdial likelihood counts the trunk_prefix signal on the stored call', () => {
    const likelihood = misdialLikelihood({
      accountCountry: 'ES',
      timeZone: 'Europe/Madrid',
      reason: 'high_risk_destination',
      calls: [
        {
          id: 'c1',
          at,
          to: stored('+630123456', 'ES'),
          durationSec: 0,
          sipUsername: 'acme-reception',
          sourceIp: '198.51.100.20',
        },
      ],
      intendedNumber: '+34630123456',
    });
    expect(likelihood.signals.map((s) => s.key)).toContain('trunk_prefix');
    expect(likelihood.level).toBe('likely');
  });

  it('the block notice says which national number was probably meant, in Spanish', () => {
    const text = blockNotice(
      {
        recipient: { email: 'ana@clinica.example', name: null },
        account: { name: 'Clínica Dental', number: 'ACC-3001', country: 'ES' },
        block: { id: 'b1', reason: 'high_risk_destination', placedAt: at },
        calls: [
          {
            at,
            sipUsername: 'recepcion',
            to: stored('+630123456', 'ES'),
            sourceIp: '198.51.100.20',
            durationSec: 0,
          },
        ],
        credentials: [],
        link: null,
      },
      {
        t: mailTranslator('es'),
        locale: 'es',
        provider: 'Voz Ejemplo',
        support: 'ayuda@voz.example',
        appUrl: 'https://portal.example',
        timeZone: 'Europe/Madrid',
      },
    ).text;
    expect(text).toContain('+63 0123456');
    expect(text).toContain(
      'Si alguien quería marcar el número nacional 630 12 34 56 y marcó 00 630 12 34 56',
    );
  });
});

describe('a number a person typed is still read in its superseded forms (lib/phone/legacy.ts)', () => {
  it.each([
    ['+52 1 55 1234 5678', 'MX', '+525512345678'],
    ['044 55 1234 5678', 'MX', '+525512345678'],
    ['+56 2 123 4567', 'ES', '+56221234567'],
    ['+55 11 8765 4321', 'US', '+5511987654321'],
  ] as const)('%s typed on a %s account is %s', (typed, country, e164) => {
    expect(parseUserPhone(typed, country)).toBe(e164);
    expect(readCallback(typed, country)).toMatchObject({ e164 });
  });

  it('typed as a PBX extension dials it too (the number they meant to dial)', () => {
    expect(parseUserPhone('9 011 52 1 55 1234 5678', 'US')).toBe('+525512345678');
    expect(parseUserPhone('0 00 56 2 123 4567', 'ES')).toBe('+56221234567');
  });

  it('and a switch’s national form of them is read as the line it denotes', () => {
    expect(readDialled('0445512345678', 'MX')).toMatchObject({ number: { number: '+525512345678' } });
  });
});

describe('a call in an old form, as the switch wrote it, still counts as a destination of the block', () => {
  it.each([
    ['+56 9 6123 4567', 'ES', '5621234567'], // Chile's old seven digits, bare E.164 digits
    ['+52 55 1234 5678', 'US', '5215512345678'], // Mexico's mobile "1" of before 2019
    ['+51 991 234 567', 'AU', '0011 51 1 9123 4567'], // a Lima mobile's old form after Australia's 0011
  ] as const)(
    'so the callback number %s from %s is refused beside the call %s',
    (callback, account, call) => {
      expect(checkCallbackNumber(callback, account, [call], 'en')).toMatchObject({
        ok: false,
        reason: 'block_destination',
      });
    },
  );
});
