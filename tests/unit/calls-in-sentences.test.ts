import { describe, expect, it } from 'vitest';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { mailTranslator } from '@/lib/mail/templates/context';
import { inSentence } from '@/lib/phone/format';
import { destinationsOf } from '@/tests/helpers/destinations';
import { translator } from '@/lib/i18n/translate';

// A tester on the reference Kamailio switch (2026-12): the switch refused every call of the fraud
// (403 while it blocked), yet the block page read "One call to United States went out through
// tally-pbx" and the notice "This call went out through your account… Lasted 0 seconds": a customer
// reads money spent, and English writes "the United States".

const notice = (locale: 'en' | 'es', calls: { to: string; durationSec: number }[]) =>
  blockNotice(
    {
      recipient: { email: 'tina@tally.example', name: null },
      account: { name: 'Tally', number: 'ACC-7001', country: 'GB' },
      block: { id: 'b1', reason: 'high_risk_destination', placedAt: new Date('2026-12-07T07:55:00Z') },
      calls: calls.map((c) => ({
        at: new Date('2026-12-07T07:54:00Z'),
        sipUsername: 'tally-pbx',
        sourceIp: '185.220.101.47',
        ...c,
      })),
      credentials: [{ username: 'tally-pbx', label: 'PBX' }],
      link: null,
    },
    {
      t: mailTranslator(locale),
      locale,
      provider: null,
      support: 'help@voice.example',
      timeZone: 'UTC',
      appUrl: 'https://p.example',
    },
  );

describe('countries inside a sentence', () => {
  it('writes "the" before the English names that take it, most calls first (ties as the calls came)', () => {
    const numbers = ['+12125550123', '+639171234567', '+252611234567', '+31201234567', '+442079460000'];
    expect(destinationsOf(numbers, 'DE', 'en').names).toEqual([
      'the United States',
      'the Philippines',
      'Somalia',
      'the Netherlands',
      'the United Kingdom',
    ]);
    expect(destinationsOf(numbers, 'DE', 'es').names).toEqual([
      'Estados Unidos',
      'Filipinas',
      'Somalia',
      'Países Bajos',
      'Reino Unido',
    ]);
    // Two calls to the Netherlands put it first.
    expect(destinationsOf([...numbers, '+31201234568'], 'DE', 'en').names[0]).toBe('the Netherlands');
  });

  it('leaves every other name, and other languages, as Intl gives them', () => {
    expect(inSentence('SO', 'Somalia', 'en-GB')).toBe('Somalia');
    expect(inSentence('US', 'Estados Unidos', 'es-MX')).toBe('Estados Unidos');
    expect(inSentence('us', 'United States', 'en')).toBe('the United States');
  });
});

describe('calls the block names', () => {
  it('were made, not "went out", on the page and in the notice', () => {
    const en = translator('en')('block.explain.calls', {
      count: 1,
      countries: 'the United States',
      credentials: (() => 'tally-pbx') as unknown as string, // a tag of the sentence
      ips: '185.220.101.47',
    });
    expect(en).toBe('One call to the United States was made through tally-pbx from 185.220.101.47.');
    const es = translator('es')('block.explain.calls', {
      count: 2,
      countries: 'Somalia',
      credentials: (() => 'tally-pbx') as unknown as string, // a tag of the sentence
      ips: '185.220.101.47',
    });
    expect(es).toBe('2 llamadas a Somalia se hicieron por tally-pbx desde 185.220.101.47.');
    const mail = notice('en', [{ to: '+12125550123', durationSec: 0 }]);
    expect(mail.text).toContain('This call was made through your account:');
    expect(mail.text).toContain('If the call to the United States was only a mistyped number');
    expect(mail.text).not.toContain('went out');
  });

  it('a call of no seconds did not connect; a call with seconds lasted them', () => {
    const en = notice('en', [
      { to: '+252611234567', durationSec: 0 },
      { to: '+252611234568', durationSec: 42 },
    ]).text;
    expect(en).toContain('Did not connect (0 seconds)');
    expect(en).toContain('Lasted 42 seconds');
    expect(en).not.toContain('Lasted 0 seconds');
    const es = notice('es', [{ to: '+252611234567', durationSec: 0.4 }]).text;
    expect(es).toContain('No llegó a conectar (0 segundos)');
  });
});
