import { describe, expect, it } from 'vitest';
import type { Locale } from '@/lib/i18n/locales';
import { storeNote } from '@/lib/i18n/stored';
import {
  allowanceDenied,
  allowanceNotStarted,
  type AllowanceNotStartedData,
  type NotStartedCause,
} from '@/lib/mail/templates/allowance';
import { type MailContext, mailTranslator, type Translator } from '@/lib/mail/templates/context';
import { readSwitchError, WITHDRAWN_ERRORS } from '@/lib/switch/error-text';

// allowance_not_started built the customer's {error} in the agent's words ("the switch answered
// “account_closed”", "Tollgate withdrew the change"): no customer template shows it today, but one
// template change would have put "switch" in a customer's mail. Each copy is now built for its
// reader (lib/i18n/note.ts Audience). The test makes that one template change (each intro names
// {error}) and reads the customer's mail with a stored switch error of every kind.

/** A stored switch error of every kind readSwitchError reads, each detail in the switch's English. */
const STORED_ERRORS = [
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
  'account_closed: HTTP 409 account_closed: the switch says the account is closed',
  'The switch refused it (legacy words)',
];

/** What a customer never reads: the switch, Tollgate, a transport's words. */
const NOT_FOR_CUSTOMERS = /\b(switch|softswitch|Tollgate|HTTP|ECONNREFUSED)\b/i;

/**
 * The catalogue of `locale` with the one template change: every allowance_not_started intro (and a
 * denial's reason) followed by its `{error}` value, as a template naming it would show it.
 */
function showingError(locale: Locale): Translator {
  const t = mailTranslator(locale, locale === 'es' ? 'MX' : 'US');
  const shows = (key: string, values?: Record<string, unknown>) => {
    const words = (t as unknown as (k: string, v?: Record<string, unknown>) => string)(key, values);
    return key.startsWith('allowance.mail.notStarted.') && key.endsWith('.intro') && values?.error
      ? `${words} [${String(values.error)}]`
      : words;
  };
  return Object.assign(shows, t) as unknown as Translator;
}

const ctx = (locale: Locale, t = showingError(locale)): MailContext => ({
  t,
  provider: 'Example Voice',
  support: '+1 212 555 0100 / help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'America/New_York',
  locale,
  region: locale === 'es' ? 'MX' : 'US',
});

const data = (error: string | null, staff = false): AllowanceNotStartedData => ({
  recipient: { name: 'Dana' },
  account: { name: 'Acme Dental', number: 'ACC-1001' },
  allowance: { country: 'SO', decidedAt: new Date('2026-12-06T14:05:00Z'), blockId: 'blk1' },
  asker: { is: 'you' },
  error,
  staff,
});

const flat = (s: string) => s.replace(/\s+/g, ' ');

describe('the stored errors', () => {
  it('cover every kind of switch error', () => {
    expect(new Set(STORED_ERRORS.map((e) => readSwitchError(e).kind)).size).toBe(13);
  });
});

describe.each(['en', 'es'] as const)('allowance_not_started to the customer, in %s', (locale) => {
  const causes: NotStartedCause[] = ['refused', 'gaveUp'];

  it.each(causes)('%s: with {error} shown, no error of any kind says "switch"', (cause) => {
    const found = [...STORED_ERRORS, null].flatMap((error) => {
      const m = allowanceNotStarted(data(error), cause, ctx(locale));
      const intro = /\[([^\]]*)\]/.exec(flat(m.text));
      // The error is in the mail (the template change took), in the customer's words.
      if (!intro || !intro[1]) return [`${error}: the error is not shown`];
      // The words anywhere in the mail; a message left unformatted ("{error}") in what is read.
      const hit =
        NOT_FOR_CUSTOMERS.exec(`${m.subject} ${m.text} ${m.html}`) ?? /\{/.exec(`${m.subject} ${m.text}`);
      return hit ? [`${error} → ${hit[0]}: ${intro[1]}`] : [];
    });
    expect(found).toEqual([]);
  });

  it('keeps the switch’s refusal code a customer can quote, and says when no error is known', () => {
    const closed = flat(
      allowanceNotStarted(data('account_closed: HTTP 409 account_closed: closed'), 'refused', ctx(locale))
        .text,
    );
    expect(closed).toContain(
      locale === 'en' ? '[answer code “account_closed”]' : '[código de respuesta «account_closed»]',
    );
    const none = flat(allowanceNotStarted(data(null), 'refused', ctx(locale)).text);
    expect(none).toContain(
      locale === 'en' ? '[no reason was recorded]' : '[no quedó registrado ningún motivo]',
    );
  });

  it('the agent’s copy keeps the agent’s words', () => {
    const m = flat(
      allowanceNotStarted(
        data('account_closed: HTTP 409 account_closed: closed', true),
        'refused',
        ctx(locale),
      ).text,
    );
    expect(m).toContain(locale === 'en' ? ': it answered “account_closed”' : ': respondió «account_closed»');
  });

  it('a denial whose stored reason carries a switch error reads it in the customer’s words', () => {
    const m = allowanceDenied(
      {
        recipient: { name: 'Dana' },
        account: { name: 'Acme Dental', number: 'ACC-1001', country: 'US' },
        asker: { is: 'you' },
        allowance: {
          country: 'SO',
          hours: 4,
          reason: 'Calling our supplier',
          createdAt: new Date('2026-12-06T14:05:00Z'),
          blockId: 'blk1',
          callbackPhone: '+12125550100',
          decisionNote: storeNote('history.liftRefused', { error: 'account_closed: HTTP 409 closed' }),
        },
      },
      'blocked',
      ctx(locale),
    );
    const words = flat(m.text);
    expect(words).toContain(
      locale === 'en' ? 'answer code “account_closed”' : 'código de respuesta «account_closed»',
    );
    expect(NOT_FOR_CUSTOMERS.exec(`${m.subject} ${words}`)).toBeNull();
  });
});
