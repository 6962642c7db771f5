import { describe, expect, it } from 'vitest';
import en from '@/messages/en.json';
import es from '@/messages/es.json';
import type { Locale } from '@/lib/i18n/locales';
import { blockLifted } from '@/lib/mail/templates/block-lifted';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { esc } from '@/lib/mail/templates/html';
import { mfaLocked } from '@/lib/mail/templates/mfa-locked';
import { requestDenied } from '@/lib/mail/templates/requests';
import { signInLink } from '@/lib/mail/templates/sign-in-link';
import { switchNameInMail, unreadNumberInMail } from '@/lib/mail/templates/switch-text';

// A tester of the mails as real mail systems handle them (2026-12-07): the dialled string is the one
// field whoever placed the calls chooses, and the block notice repeated it as it came: "To
// https://acme-voip-support.example/verify?account=ACC-1002 (a number we could not read)", and a
// sentence with markup ("IMPORTANT <b>Security team</b>: your SIP passwords leaked. Reset them now at
// https://acme-voip-supp…"), in the text and the HTML part of a mail from the provider's own domain,
// which mail programs turn into a link. The mails now repeat nothing Tollgate could not read.

const URL_TO = 'https://acme-voip-support.example/verify?account=ACC-1002';
const SENTENCE = `IMPORTANT <b>Security team</b>: your SIP passwords leaked. Reset them now at https://acme-voip-support.example/verify?account=ACC-1002 before your service is suspended.`;
/** As lib/blocks/trigger-calls.ts stores unread text: cut at 100 characters. */
const SENTENCE_STORED = SENTENCE.slice(0, 100);
/** Words of the attacker's that must not reach a mail, in any part. */
const ATTACKER_WORDS = [
  'acme-voip-support',
  'https://acme',
  'verify',
  'IMPORTANT',
  'Security team',
  'leaked',
  'Reset them',
];

const ctx = (locale: Locale = 'en'): MailContext => ({
  t: mailTranslator(locale),
  provider: 'Example Voice',
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'UTC',
  locale,
});

const call = (to: string, over: Partial<{ sipUsername: string; sourceIp: string }> = {}) => ({
  at: new Date('2026-11-25T09:13:58Z'),
  sipUsername: 'acme-reception',
  to,
  sourceIp: '203.0.113.9',
  durationSec: 12,
  ...over,
});

type NoticeData = Parameters<typeof blockNotice>[0];
const notice = (over: Partial<NoticeData>, locale: Locale = 'en') =>
  blockNotice(
    {
      recipient: { email: 'dana@acme.example', name: null },
      account: { name: 'Acme Dental', number: 'ACC-1002', country: 'US' },
      block: { id: 'blk1', reason: 'high_risk_destination', placedAt: new Date('2026-11-25T09:14:03Z') },
      calls: [call('+252611234567')],
      credentials: [{ username: 'acme-reception', label: 'Reception desk' }],
      link: { url: 'https://portal.example/continue?t=abc', expires: new Date('2026-11-26T09:14:03Z') },
      ...over,
    },
    ctx(locale),
  );

/** Every part a reader (or a mail program) sees: subject, HTML, text. */
const parts = (m: { subject: string; html: string; text: string }) => [m.subject, m.html, m.text];

describe('a dialled number Tollgate could not read, as a mail shows it', () => {
  // A tester in Madrid (2026-12-07): "9 011 882 16 1234567" came as "901 188 216 123 4567", a
  // Spanish 901 number, under words saying the block page shows it as logged. Now as the page shows it.
  it('a dial string shows as the switch wrote it, as the block page does: never regrouped', () => {
    expect(unreadNumberInMail('9 011 882 16 1234567')).toBe('9 011 882 16 1234567');
    expect(unreadNumberInMail('*97')).toBe('*97');
    expect(unreadNumberInMail('5152795494')).toBe('5152795494');
    expect(unreadNumberInMail('+ 88 (0) 12')).toBe('+ 88 (0) 12');
    expect(unreadNumberInMail('1234')).toBe('1234');
    expect(unreadNumberInMail('#31#0800 11 22')).toBe('#31#0800 11 22');
    expect(unreadNumberInMail('+1-515.279(5494)')).toBe('+1-515.279(5494)');
    // Spaces as the page's HTML shows them: trimmed, a run of them one.
    expect(unreadNumberInMail('  9   011  ')).toBe('9 011');
  });

  it('separators that could lay out the mail, or too many, leave the keypad characters alone, unspaced', () => {
    expect(unreadNumberInMail('9\n011\n882')).toBe('9011882');
    expect(unreadNumberInMail('9\t011')).toBe('9011');
    expect(unreadNumberInMail('9\u00a0011\u2028882')).toBe('9011882');
    expect(unreadNumberInMail(`1${' -'.repeat(30)}2`)).toBe('12');
  });

  it('anything else shows nothing: letters, "/", ":", "@", markup, other scripts, invisible characters', () => {
    for (const raw of [
      URL_TO,
      SENTENCE_STORED,
      'www.acme-voip-support.example',
      'reset@acme-voip-support.example',
      'sip:*97@pbx.example',
      'tel:+1-800-CALL-NOW',
      '0800/123',
      '12:34',
      '12@34',
      '<b>123</b>',
      '１２３',
      '+252\u202e611234567',
      '++252',
      '2+52',
      '*#',
      '',
      '1'.repeat(21),
    ])
      expect(unreadNumberInMail(raw), raw).toBeNull();
  });
});

describe('a name the switch reported, as a mail shows it', () => {
  it('shown when it has a SIP name’s shape, never as a sentence or a web address', () => {
    expect(switchNameInMail('pbx-trunk')).toBe('pbx-trunk');
    expect(switchNameInMail('office.2_pbx+a')).toBe('office.2_pbx+a');
    // SIP names, but a mail program would make each a link: the fraudster's address in the mail.
    for (const name of [
      'reset@acme-voip-support.example',
      'www.acme-voip-support.example',
      'acme.com',
      'a@b',
    ])
      expect(switchNameInMail(name), name).toBeNull();
    for (const name of [URL_TO, SENTENCE_STORED, 'trunk one', 'trunk\u202eeno', '\\ud800', 'ñandú', '-x'])
      expect(switchNameInMail(name), name).toBeNull();
  });
});

describe('the block notice repeats none of the attacker’s words', () => {
  it.each([
    ['a web address', URL_TO],
    ['a sentence with markup', SENTENCE_STORED],
  ])('dialled: %s, in English and Spanish, text and HTML, subject and preheader', (_, to) => {
    for (const locale of ['en', 'es'] as const) {
      const m = notice({ calls: [call(to), call('+252611234567')] }, locale);
      for (const body of parts(m))
        for (const w of ATTACKER_WORDS) expect(body, `${locale}: ${w}`).not.toContain(w);
    }
    const m = notice({ calls: [call(to)] });
    for (const body of [m.html, m.text])
      expect(body).toContain(
        'To a number we could not read (the block page shows it as our phone system logged it)',
      );
    expect(notice({ calls: [call(to)] }, 'es').text).toContain(
      'A un número que no hemos podido leer (la página del bloqueo lo muestra tal como lo registró nuestra central)',
    );
  });

  it('a trunk name or an address that is a sentence or a web address is said in words', () => {
    const m = notice({
      calls: [
        call('+252611234567', { sipUsername: SENTENCE_STORED, sourceIp: URL_TO }),
        call('+252611234568', { sipUsername: URL_TO }),
      ],
    });
    for (const body of parts(m)) for (const w of ATTACKER_WORDS) expect(body, w).not.toContain(w);
    for (const body of [m.html, m.text]) {
      expect(body).toContain('Through a credential or trunk whose name we could not read');
      expect(body).toContain('From an internet address we could not read');
      expect(body).toContain(
        'Calls also came through 2 trunks whose names we could not read, which has no password',
      );
    }
  });

  it('so does the summary a large block gives (lib/blocks/call-overview.ts)', () => {
    const m = notice({
      calls: [call(URL_TO, { sipUsername: 'pbx-trunk' })],
      callCount: 500,
      summary: {
        to: { values: [URL_TO, SENTENCE_STORED], distinct: 3 },
        named: [],
        unknownNames: { values: ['pbx-trunk', SENTENCE_STORED], distinct: 2 },
      },
      // Every destination of the block's numbers (lib/blocks/destinations.ts): none read, 3 not.
      destinations: { numbers: [], unreadable: 3 },
    });
    for (const body of parts(m)) for (const w of ATTACKER_WORDS) expect(body, w).not.toContain(w);
    expect(m.text).toContain('Calls also came through pbx-trunk and a trunk whose name we could not read');
    expect(m.text).toContain('If the calls to 3 numbers we could not read were only');
  });

  it('the notice of a block lifted before it was sent, too', () => {
    const m = notice({
      calls: [call(URL_TO), call(SENTENCE_STORED)],
      lifted: { at: new Date('2026-11-25T10:00:00Z'), newerInForce: false },
      link: null,
    });
    expect(m.subject).toContain('that block is lifted');
    for (const body of parts(m)) for (const w of ATTACKER_WORDS) expect(body, w).not.toContain(w);
  });

  it('a dial string it could not read shows as written; a read number, a SIP-shaped trunk and an address as before', () => {
    const m = notice({
      calls: [
        call('5152795494', { sipUsername: 'pbx-trunk', sourceIp: '185.220.101.47' }),
        call('+252611234567'),
      ],
    });
    for (const body of [m.html, m.text]) {
      expect(body).toContain(
        'To 5152795494 (a number we could not read; the block page shows it as our phone system logged it)',
      );
      expect(body).toContain('To +252 61 123 4567 (Somalia)');
      expect(body).toContain('Through SIP credential pbx-trunk');
      expect(body).toContain('Through SIP credential Reception desk (acme-reception)');
      expect(body).toContain('From address 185.220.101.47 (Germany)');
      expect(body).toContain('Calls also came through pbx-trunk, which has no password');
    }
  });
});

describe('numbers in a mail do not become call links on a phone', () => {
  const mails = () => [
    notice({}),
    signInLink({ email: 'dana@acme.example', url: 'https://portal.example/x', expires: new Date() }, ctx()),
    blockLifted(
      {
        recipient: { name: null },
        account: { name: 'Acme', number: 'ACC-1' },
        block: { id: 'b', liftedAt: new Date() },
      },
      ctx('es'),
    ),
  ];

  it('every HTML part turns off format detection and styles Apple’s data-detector links as text', () => {
    for (const m of mails()) {
      const head = m.html.slice(0, m.html.indexOf('</head>'));
      expect(head).toContain(
        '<meta name="format-detection" content="telephone=no, date=no, address=no, email=no">',
      );
      expect(head).toMatch(
        /<style>a\[x-apple-data-detectors\]\{color:inherit !important;text-decoration:none !important;[^<]*\}<\/style>/,
      );
    }
  });
});

describe('mails with a sign-in link say who it signs in, and not to forward it', () => {
  const at = new Date('2026-11-25T09:14:03Z');
  const NO_FORWARD = {
    en: 'Whoever opens this link before it expires is signed in as you: do not forward this email or quote it in a reply.',
    es: 'Quien abra este enlace antes de que caduque inicia sesión como usted: no reenvíe este correo ni lo cite en una respuesta.',
  };

  it.each(['en', 'es'] as const)(
    'the sign-in link mail (%s): no "nobody but you", the warning beside the link',
    (locale) => {
      const m = signInLink(
        { email: 'dana@acme.example', url: 'https://portal.example/x', expires: at },
        ctx(locale),
      );
      for (const body of [m.html, m.text]) {
        expect(body).not.toMatch(/nobody can sign in|but you|nadie más que usted/i);
        expect(body).toContain(NO_FORWARD[locale]);
      }
      expect(m.text).toContain(
        locale === 'en'
          ? 'If you did not ask for this link, ignore this email.'
          : 'Si no ha solicitado este enlace, ignore este correo.',
      );
      // Next to the link: straight after the button and its expiry.
      expect(m.text.indexOf(NO_FORWARD[locale])).toBeGreaterThan(m.text.indexOf('https://portal.example/x'));
    },
  );

  it.each(['en', 'es'] as const)(
    'the block notice with a link and the unlock mail (%s) carry it; a notice without a link does not',
    (locale) => {
      expect(notice({}, locale).text).toContain(NO_FORWARD[locale]);
      expect(notice({}, locale).html).toContain(esc(NO_FORWARD[locale]));
      expect(notice({ link: null }, locale).text).not.toContain(NO_FORWARD[locale]);
      const locked = mfaLocked(
        {
          recipient: { name: null, email: 'dana@acme.example' },
          failures: 20,
          lockedAt: at,
          link: { url: 'https://portal.example/u', expires: at },
        },
        ctx(locale),
      );
      expect(locked.text).toContain(NO_FORWARD[locale]);
    },
  );

  it('mails without a sign-in link do not carry it', () => {
    const denied = requestDenied(
      {
        recipient: { name: null },
        asker: { is: 'you' },
        account: { name: 'Acme', number: 'ACC-1', country: 'US' },
        request: {
          id: 'r',
          blockId: 'b',
          kind: 'misdial',
          createdAt: at,
          callbackPhone: '+12125550100',
          denyReason: null,
        },
      },
      ctx(),
    );
    expect(denied.text).not.toContain(NO_FORWARD.en);
  });

  it('no mail string claims that only its reader can use a link', () => {
    const strings = (o: unknown): string[] =>
      typeof o === 'string' ? [o] : o && typeof o === 'object' ? Object.values(o).flatMap(strings) : [];
    for (const mail of [en.mail, es.mail, en.allowance.mail, es.allowance.mail])
      for (const s of strings(mail))
        expect(s).not.toMatch(/only you|but you|nobody else|no one else|solo usted|nadie más|nadie salvo/i);
  });
});
