import { describe, expect, it } from 'vitest';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import type { Locale } from '@/lib/i18n/locales';
import { translator } from '@/lib/i18n/translate';
import { suggestsMisdial } from '@/lib/blocks/misdial-step';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';

// A tester read the block notice as a dental office manager in a panic (Dana, 2026-12): a
// `hotspot_source_ip` block's mail said "If someone meant to dial the national number 023 9991 2345
// and dialled 00 23 9991 2345 instead… choose 'This was a misdial'", while its page said the calls
// came from a fraud hotspot and offered no such step; she followed the mail, and support denied the
// request as against the evidence. The notice now suggests a misdial only where the page does
// (lib/blocks/misdial-step.ts, one rule). And it says what still works, and that calls abroad are
// refused for now, in the block page's own words (block.stillWorks).

const REASONS: BlockReason[] = ['high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern', 'manual'];

const ctx = (locale: Locale): MailContext => ({
  t: mailTranslator(locale),
  locale,
  provider: 'Example Voice',
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'Europe/Madrid',
});

/** The notice of a block of `reason` on calls through `acme-pbx` to `to`, for a reader of `locale`. */
const notice = (locale: Locale, reason: BlockReason, to = '+252611234567', country = 'US') =>
  blockNotice(
    {
      recipient: { email: 'dana@acme.example', name: null },
      account: { name: 'Acme Dental', number: 'ACC-1001', country },
      block: { id: 'blk1', reason, placedAt: new Date('2026-11-25T09:14:03Z') },
      calls: [
        {
          at: new Date('2026-11-25T09:13:58Z'),
          sipUsername: 'acme-pbx',
          to,
          sourceIp: '185.220.101.47',
          durationSec: 0,
        },
      ],
      credentials: [{ username: 'acme-pbx', label: 'Office PBX' }],
      link: null,
    },
    ctx(locale),
  );

/** The name of the block page's misdial button, in the mail's quotes. */
const BUTTON = { en: '“This was a misdial”', es: '«Fue una marcación errónea»' } as const;

describe('the block notice’s misdial step follows the block page’s rule', () => {
  it.each(['en', 'es'] as const)('in %s, for each reason, a plain number and a 00-for-0 slip', (locale) => {
    for (const reason of REASONS) {
      const wanted = suggestsMisdial({ reason, callCount: 1 });
      expect(wanted, reason).toBe(reason === 'high_risk_destination');
      // Somalia, named; and a national number of Great Britain dialled with 00 before it (the slip).
      for (const [to, country] of [
        ['+252611234567', 'US'],
        ['002079460000', 'GB'],
      ] as const) {
        const m = notice(locale, reason, to, country);
        for (const body of [m.text, m.html]) {
          expect(body.includes(BUTTON[locale]), `${reason} ${to}`).toBe(wanted);
        }
      }
    }
  });

  it('a hotspot block gives its password and firewall steps, and no misdial step', () => {
    const text = notice('en', 'hotspot_source_ip', '002079460000', 'GB').text;
    expect(text).toContain('1. Change the SIP password of Office PBX (acme-pbx)');
    expect(text).toContain('2. Make sure your router or firewall');
    expect(text).not.toMatch(/\n3\. /);
    expect(text).not.toContain('If someone meant to dial');
  });
});

describe('the block notice says what still works, in the block page’s words', () => {
  it.each([
    ['en', 'United States', 'Calls within your country (United States) still work.'],
    ['es', 'Estados Unidos', 'Las llamadas dentro de su país (Estados Unidos) siguen funcionando.'],
  ] as const)('in %s', (locale, country, national) => {
    const m = notice(locale, 'high_risk_destination');
    // The very sentence the page's status says while the block is in force (components/block/status-lines.tsx).
    const sentence = translator(locale)('block.stillWorks', { country, allowed: 'unknown' });
    expect(sentence).toContain(national);
    for (const body of [m.text, m.html]) expect(body).toContain(sentence);
    // Once, right after the intro: not "National calls still work." beside it.
    expect(m.text.split(national)).toHaveLength(2);
    expect(m.text).not.toMatch(/National calls still work|Las llamadas nacionales siguen/);
    expect(m.text.indexOf(sentence)).toBeLessThan(
      m.text.indexOf(locale === 'en' ? 'What happened' : 'Qué ha pasado'),
    );
  });

  it('says calls abroad are refused, and promises nothing about charges (review, 2026-12-07)', () => {
    // The page says no new charges can build up only when no allowance may let calls through; a mail
    // cannot know that when it is read (a new block queues the end of an allowance in force, and the
    // switch keeps it until it confirms), so it says what is refused and no more.
    const text = notice('en', 'hotspot_source_ip').text;
    expect(text).toContain(
      'Calls within your country (United States) still work. Calls abroad are refused for now.',
    );
    expect(notice('es', 'hotspot_source_ip').text).toContain(
      'Por ahora se rechazan las llamadas al extranjero.',
    );
    for (const locale of ['en', 'es'] as const)
      for (const body of [notice(locale, 'hotspot_source_ip').text, notice(locale, 'hotspot_source_ip').html])
        expect(body).not.toMatch(
          /no new charges|nuevos cargos|refund|credit|free of charge|will not be charged/i,
        );
  });
});
