import { describe, expect, it } from 'vitest';
import { switchWritten } from '@/components/block/explanation';
import { callShown } from '@/components/block/trigger-calls';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { normalizeIp } from '@/lib/server/client-address';
import { revealInvisible } from '@/lib/server/control-characters';

// A security tester's signed block.placed carried calls to `sip:fraud\u202E7654321110+@evil.example`
// through `trunk\u202Ekcsed-eve`: the block page and the block notice showed U+202E RIGHT-TO-LEFT
// OVERRIDE raw, so the customer read the rest of what the fraudster dialled reversed. Text the switch
// wrote is shown as staff see customers' words: each invisible formatting character as `\uXXXX`
// (lib/server/control-characters.ts revealInvisible).

/** Every character lib/server/control-characters.ts treats as invisible formatting, by code point. */
const INVISIBLE: number[] = [
  0x00ad, // soft hyphen
  0x061c, // ARABIC LETTER MARK
  0x180e, // Mongolian vowel separator
  0x200b, // zero-width space
  0x200e, // LRM
  0x200f, // RLM
  ...range(0x202a, 0x202e), // LRE, RLE, PDF, LRO, RLO
  ...range(0x2060, 0x2064), // word joiner, invisible operators
  ...range(0x2066, 0x2069), // LRI, RLI, FSI, PDI
  ...range(0x206a, 0x206f), // deprecated format controls
  0xfeff, // BOM, zero-width no-break space
  ...range(0xfff9, 0xfffb), // interlinear annotation controls
];

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}

const hex = (cp: number) => cp.toString(16).padStart(4, '0');
const cases = INVISIBLE.map((cp) => [`U+${hex(cp).toUpperCase()}`, String.fromCharCode(cp), `\\u${hex(cp)}`]);

describe('revealInvisible, over every invisible formatting character', () => {
  it('covers the bidi controls the tester named', () => {
    for (const cp of [...range(0x202a, 0x202e), ...range(0x2066, 0x2069), 0x200e, 0x200f, 0x061c])
      expect(INVISIBLE).toContain(cp);
  });

  it.each(cases)('%s is written out as its escape, inside and at either end', (_, c, escape) => {
    expect(revealInvisible(`trunk${c}kcsed-eve`)).toBe(`trunk${escape}kcsed-eve`);
    expect(revealInvisible(`${c}x${c}`)).toBe(`${escape}x${escape}`);
    expect(revealInvisible(`${c}x${c}`)).not.toContain(c);
  });

  it('leaves every other character as it was, and null as null', () => {
    // ZWJ and ZWNJ stay: words and emoji need them (lib/server/control-characters.ts).
    for (const text of ['acme-reception', '+252 61 123 4567', 'Clínica 👩‍⚕️', 'می‌خواهم', '*97', '𝟐'])
      expect(revealInvisible(text)).toBe(text);
    expect(revealInvisible(null)).toBeNull();
  });
});

describe("the block page's calls and summary show switch-written text escaped", () => {
  it.each(cases)('%s in an unread `to`, a trunk name and an unread address', (_, c, escape) => {
    const shown = callShown(
      {
        sipUsername: `trunk${c}kcsed-eve`,
        to: `sip:fraud${c}7654321110+@evil.example`,
        sourceIp: `10.0.0.1${c}`,
      },
      'US',
      'en',
    );
    expect(shown).toMatchObject({
      credential: `trunk${escape}kcsed-eve`,
      number: `sip:fraud${escape}7654321110+@evil.example`,
      ip: `10.0.0.1${escape}`,
    });
    expect(shown.dialled.e164).toBeNull();
    const summary = switchWritten({
      top: {
        to: { values: [], distinct: 0 },
        sipUsername: { values: ['eve-desk', `trunk${c}kcsed-eve`], distinct: 2 },
        sourceIp: { values: [`10.0.0.1${c}`], distinct: 1, unreported: 0 },
      },
      unknownNames: [`trunk${c}kcsed-eve`],
    });
    expect(summary).toEqual({
      names: ['eve-desk', `trunk${escape}kcsed-eve`],
      // The country is read from the address as stored.
      ips: [{ ip: `10.0.0.1${c}`, shown: `10.0.0.1${escape}` }],
      unknownNames: [`trunk${escape}kcsed-eve`],
    });
  });

  it('a number wrapped in format characters is still read, and shown formatted', () => {
    const shown = callShown(
      { sipUsername: 'eve-desk', to: '\u202D+252 61 123 4567\u202C', sourceIp: '203.0.113.9' },
      'US',
      'en',
    );
    expect(shown).toMatchObject({ number: '+252 61 123 4567', credential: 'eve-desk', ip: '203.0.113.9' });
    expect(shown.dialled.countryName).toBe('Somalia');
  });
});

// Since the mail review of 2026-12-07 the block notice repeats none of that text: an unread `to`, a
// name of no SIP shape and an unread address are said in the mail's own words (the block page shows
// them escaped, as above). tests/mail/switch-words-in-mail.test.ts has the rest.
describe('the block notice repeats no switch-written text it could not read, in HTML and text', () => {
  const ctx = (locale: 'en' | 'es'): MailContext => ({
    t: mailTranslator(locale),
    provider: 'Example Voice',
    support: 'help@voice.example',
    appUrl: 'https://portal.example',
    timeZone: 'UTC',
    locale,
  });
  const notice = (c: string, locale: 'en' | 'es' = 'en') =>
    blockNotice(
      {
        recipient: { email: 'dana@acme.example', name: null },
        account: { name: 'Acme Dental', number: 'ACC-1001', country: 'US' },
        block: { id: 'blk1', reason: 'high_risk_destination', placedAt: new Date('2026-11-25T09:14:03Z') },
        calls: [
          {
            at: new Date('2026-11-25T09:13:58Z'),
            sipUsername: `trunk${c}kcsed-eve`,
            to: `sip:fraud${c}7654321110+@evil.example`,
            sourceIp: `10.0.0.1${c}`,
            durationSec: 0,
          },
          {
            at: new Date('2026-11-25T09:13:59Z'),
            sipUsername: 'eve-desk',
            to: `sip:fraud${c}7654321110+@evil.example`,
            sourceIp: '203.0.113.9',
            durationSec: 0,
          },
        ],
        credentials: [{ username: 'eve-desk', label: 'Front desk' }],
        link: null,
      },
      ctx(locale),
    );

  it.each(cases)('%s', (_, c, escape) => {
    const m = notice(c);
    for (const body of [m.html, m.text]) {
      expect(body).not.toContain(c);
      expect(body).not.toContain(escape);
      expect(body).not.toContain('evil.example');
      expect(body).not.toContain('kcsed-eve');
      expect(body.split('To a number we could not read (the block page shows it')).toHaveLength(3);
      expect(body).toContain('Through a credential or trunk whose name we could not read');
      // An address is shown only once read (a U+FEFF at its end is white space to the reader).
      expect(body).toContain(
        normalizeIp(`10.0.0.1${c}`)
          ? 'From address 10.0.0.1 (an internal address, inside a private network and not on the internet)'
          : 'From an internet address we could not read',
      );
      expect(body).toContain(
        'Calls also came through a trunk whose name we could not read, which has no password',
      );
      // The account's own credential is named by its label, as before, and a readable address shown.
      expect(body).toContain('Front desk (eve-desk)');
      expect(body).toContain('From address 203.0.113.9 (an example address, not one in use on the internet)');
    }
    expect(m.subject).not.toContain(c);
  });

  it('in Spanish too', () => {
    const m = notice('\u202E', 'es');
    for (const body of [m.html, m.text]) {
      expect(body).not.toContain('\u202E');
      expect(body).not.toContain('evil.example');
      expect(body).not.toContain('kcsed-eve');
      expect(body).toContain('A un número que no hemos podido leer (la página del bloqueo lo muestra');
      expect(body).toContain('un troncal cuyo nombre no hemos podido leer');
    }
  });
});
