import { describe, expect, it } from 'vitest';
import { noteText } from '@/lib/i18n/note';
import { storedText, storeNote } from '@/lib/i18n/stored';
import { CATALOGUES, translate } from '@/lib/i18n/translate';
import { type AllowanceNotStartedData, allowanceNotStarted } from '@/lib/mail/templates/allowance';
import { mailTranslator } from '@/lib/mail/templates/context';
import {
  NAMED_CUSTOMER,
  NAMED_STAFF,
  readSwitchError,
  switchErrorNote,
  switchErrorText,
  WITHDRAWN_ERRORS,
} from '@/lib/switch/error-text';

// B1 (2026-12-08, left open by the testers): staff history read "The switch refused the lift (the
// switch answered “account_closed”)", and a customer's "Our phone system refused the lift (our phone
// system has no record of this account)": the sentence names the switch, then the error it wraps
// names it again. A sentence that names it now gets the error's "it" form (SaidIn `named`).

/** A stored switch error of every kind readSwitchError reads (as tests/mail/allowance-customer-error.test.ts). */
const STORED = [
  'timeout: no answer within 5000 ms',
  'connection_error: connect ECONNREFUSED 10.0.0.5:8443',
  'aborted: the switch request was aborted',
  'bad_body: HTTP 502 <html>Bad gateway</html>',
  'unavailable: HTTP 503 the switch is unavailable',
  'maintenance: HTTP 503 maintenance: switch upgrade until 02:00',
  'rate_limited: HTTP 429 rate_limited: slow down',
  'asked_to_wait: 600 s; rate_limited: HTTP 429 rate_limited: slow down',
  'asked_to_wait: 90 s; unavailable: HTTP 503 the switch is unavailable',
  'body_disagrees: the switch answered 200 with internationalCalling "blocked"',
  'not_in_force: the switch answered 200 without this allowance in force',
  'rejected: HTTP 409 the switch refused',
  'not_found: HTTP 404 account not on the switch',
  ...WITHDRAWN_ERRORS,
  'account_closed: HTTP 409 account_closed: the account is closed',
  'something odd happened',
];
const STAFF_NAMES = /\bswitch\b/gi;
const CUSTOMER_NAMES = /phone system|nuestra central|\bswitch\b/gi;
const times = (s: string, re: RegExp) => s.match(re)?.length ?? 0;
const LANGS = ['en', 'es'] as const;

describe('a sentence that wraps a stored switch error names the switch once', () => {
  it('covers every kind of stored error', () => {
    expect(new Set(STORED.map((e) => readSwitchError(e).kind)).size).toBe(13);
  });

  it.each(LANGS)('staff history’s refused lift: “the switch” once, for every error (%s)', (locale) => {
    const t = translate(locale);
    for (const error of STORED) {
      const words = storedText(t, storeNote('history.liftRefused', { error }), 'staff')!;
      expect(times(words, STAFF_NAMES), words).toBe(1);
    }
    expect(storedText(t, storeNote('history.liftRefused', { error: STORED.at(-2)! }))).toBe(
      locale === 'en'
        ? 'The switch refused the lift (it answered “account_closed”). The block stays in force; support follows up with the customer.'
        : 'El switch rechazó el levantamiento (respondió «account_closed»). El bloqueo sigue en vigor; soporte hace el seguimiento con el cliente.',
    );
  });

  it.each(LANGS)('the customer’s refused lift: “our phone system” once, never “switch” (%s)', (locale) => {
    const t = translate(locale);
    for (const error of STORED) {
      const words = storedText(t, storeNote('history.liftRefused', { error }), 'customer')!;
      expect(times(words, CUSTOMER_NAMES), words).toBe(1);
      expect(words).not.toMatch(/switch/i);
    }
  });

  it.each(LANGS)('the other staff sentences that wrap one add no second “switch” (%s)', (locale) => {
    const t = translate(locale);
    for (const key of [
      'history.syncLiftRefused',
      'history.syncAllowancePutRefused',
      'history.syncAllowanceEndRefusedUnknown',
    ] as const)
      for (const error of STORED) {
        const bare = storedText(t, storeNote(key, { error: 'x', actor: 'switch', country: 'SO' }), 'staff')!;
        const words = storedText(t, storeNote(key, { error, actor: 'switch', country: 'SO' }), 'staff')!;
        // The sentence's own count, with an error that names nothing in its place.
        expect(times(words, STAFF_NAMES), words).toBe(times(bare, STAFF_NAMES));
      }
  });

  it.each(LANGS)('a staff page’s or mail’s sentence gets the “it” form (%s)', (locale) => {
    const all = translate(locale);
    for (const error of STORED) {
      // Tollgate's words (the switch's own message, which staff text adds after a colon, is quoted).
      expect(noteText(all, switchErrorNote(error, 'staff', { named: true }))).not.toMatch(/\bswitch\b/i);
      // Alone ("Last try: …") it still names the switch where it did.
      expect(switchErrorText(all, error)).toBe(switchErrorText(all, error, 'staff', { named: false }));
    }
    const data: AllowanceNotStartedData = {
      recipient: { name: 'Rita' },
      account: { name: 'Acme Dental', number: 'ACC-1001' },
      allowance: { country: 'SO', decidedAt: new Date('2026-12-06T14:05:00Z'), blockId: 'blk1' },
      asker: { is: 'you' },
      error: 'account_closed: HTTP 409 account_closed: the account is closed',
      staff: true,
    };
    const mail = allowanceNotStarted(data, 'refused', {
      t: mailTranslator(locale),
      locale,
      provider: null,
      support: 'help@voice.example',
      appUrl: 'https://portal.example',
      timeZone: 'UTC',
    });
    const intro = mail.text.replace(/\s+/g, ' ');
    expect(intro).toContain(
      locale === 'en'
        ? 'The switch refused the allowance for calls to'
        : CATALOGUES.es.allowance.mail.notStarted.staff.refused.intro.slice(0, 20),
    );
    expect(intro).toContain(
      locale === 'en'
        ? ': it answered “account_closed”: the account is closed.'
        : 'respondió «account_closed»',
    );
    expect(intro).not.toMatch(/the switch answered|el switch respondió/);
  });

  it('every kind whose words name the switch has an “it” form, in both languages', () => {
    for (const locale of LANGS) {
      const c = CATALOGUES[locale] as unknown as Record<string, Record<string, unknown>>;
      const leaf = (root: string, path: string) =>
        path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], c[root]);
      const leaves = (o: Record<string, unknown>, at = ''): string[] =>
        Object.entries(o).flatMap(([k, v]) =>
          typeof v === 'string' ? [`${at}${k}`] : leaves(v as Record<string, unknown>, `${at}${k}.`),
        );
      for (const [root, named, names, set] of [
        ['switchError', 'switchErrorNamed', /switch/i, NAMED_STAFF],
        ['customerSwitchError', 'customerSwitchErrorNamed', /phone system|nuestra central/i, NAMED_CUSTOMER],
      ] as const) {
        const naming = leaves(c[root]!).filter(
          (k) => !k.startsWith('wait.') && names.test(String(leaf(root, k))),
        );
        expect([...set].sort(), `${locale} ${root}`).toEqual(expect.arrayContaining(naming));
        for (const k of set) {
          const words = leaf(named, k);
          expect(typeof words, `${locale} ${named}.${k}`).toBe('string');
          expect(words).not.toMatch(/switch|phone system|nuestra central/i);
        }
      }
    }
  });
});
