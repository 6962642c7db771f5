import { describe, expect, it } from 'vitest';
import type { Locale } from '@/lib/i18n/locales';
import {
  allowanceDenied,
  allowanceMail,
  allowanceNotStarted,
  allowanceReceived,
} from '@/lib/mail/templates/allowance';
import { blockLifted } from '@/lib/mail/templates/block-lifted';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type Asker, type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import type { Rendered } from '@/lib/mail/templates/layout';
import {
  requestApproved,
  requestClosed,
  requestDenied,
  requestLiftFailed,
  requestReceived,
} from '@/lib/mail/templates/requests';

// Every member of an account is mailed about its requests (a decision goes to every member once the
// one who asked can no longer read the account; "calling is back", a block notice and an allowance's
// start and end go to every member). A tester's three-member account read "your request" in each, of
// requests another member sent (2026-12-06). Each mail about a request or an allowance request says
// "your request" to the one who asked only, and to every other member names who asked: their address
// as the pages write it (a Unicode domain in Unicode, displayEmail), in English and in Spanish.

const ctx = (locale: Locale): MailContext => ({
  t: mailTranslator(locale, 'US'),
  provider: 'Example Voice',
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'America/New_York',
  locale,
  region: 'US',
});

const MONA: Asker = { is: 'member', email: 'mona@xn--clnica-peasco-xib1e.es' };
const SHOWN = 'mona@clínica-peñasco.es';
const YOU: Asker = { is: 'you' };

const at = new Date('2026-12-06T19:07:00Z');
const account = { name: 'Brightside Dental', number: 'ACC-TB01', country: 'US' };
const recipient = { name: 'Olga' };
const request = {
  id: 'r1',
  blockId: 'blk1',
  kind: 'misdial' as const,
  createdAt: at,
  callbackPhone: '+12025550143',
  denyReason: 'We could not confirm it.',
};
const asked = {
  country: 'SO',
  hours: 6,
  reason: 'Our supplier in Mogadishu.',
  createdAt: at,
  blockId: 'blk1',
  callbackPhone: '+12025550143',
  decisionNote: 'Call us first.',
};
const allowance = {
  country: 'SO',
  until: new Date('2026-12-07T01:27:00Z'),
  endedAt: new Date('2026-12-06T19:29:00Z'),
  endReason: 'new_block',
  createdAt: at,
  blockId: 'blk1',
  reason: 'Our supplier in Mogadishu.',
};

/** Every mail that speaks of a request or an allowance request, for a reader who is `asker`. */
const MAILS: Record<string, (asker: Asker, c: MailContext) => Rendered> = {
  request_received: (asker, c) => requestReceived({ recipient, asker, account, request }, c),
  request_approved: (asker, c) => requestApproved({ recipient, asker, account, request }, c),
  request_denied: (asker, c) => requestDenied({ recipient, asker, account, request }, c),
  request_lift_failed: (asker, c) => requestLiftFailed({ recipient, asker, account, request }, c),
  request_closed: (asker, c) => requestClosed({ recipient, asker, account, request }, c),
  block_lifted: (asker, c) =>
    blockLifted(
      {
        recipient,
        account,
        block: { id: 'blk1', liftedAt: at },
        closed: {
          requests: [{ kind: 'misdial', createdAt: at, asker }],
          allowances: [{ country: 'SO', hours: 6, createdAt: at, asker }],
        },
      },
      c,
    ),
  // A new block's notice names the approved request whose lift it withdrew (no request_lift_failed).
  block_notice: (asker, c) =>
    blockNotice(
      {
        recipient: { ...recipient, email: 'olga@brightside.example' },
        account,
        block: { id: 'blk2', reason: 'high_risk_destination', placedAt: at },
        calls: [],
        credentials: [],
        link: null,
        reopenedRequests: [{ kind: 'misdial', createdAt: at, blockPlacedAt: at, asker }],
      },
      c,
    ),
  allowance_received: (asker, c) => allowanceReceived({ recipient, asker, account, allowance: asked }, c),
  allowance_denied: (asker, c) =>
    allowanceDenied({ recipient, asker, account, allowance: asked }, 'blocked', c),
  allowance_started: (asker, c) =>
    allowanceMail('started', { recipient, account, allowance, asker, staff: false }, c),
  allowance_ended: (asker, c) =>
    allowanceMail('ended', { recipient, account, allowance, asker, staff: false }, c),
  allowance_not_started: (asker, c) =>
    allowanceNotStarted(
      {
        recipient,
        account,
        allowance: { country: 'SO', decidedAt: at, blockId: 'blk1' },
        asker,
        error: null,
        staff: false,
      },
      'refused',
      c,
    ),
};

/** "Your request" and its kin, as each language says it to the one who asked. */
const YOURS: Record<Locale, RegExp> = {
  en: /\byour (unblock )?request\b|\byou asked\b/i,
  es: /\bsu solicitud\b|\busted (lo )?solicitó|\bla solicitud que envió el/i,
};

const whole = (m: Rendered) => `${m.subject}\n${m.text}`.replace(/\s+/g, ' ');

describe.each(['en', 'es'] as const)('mail about a request, in %s', (locale) => {
  it.each(Object.keys(MAILS))('%s: "your request" to the member who asked it', (template) => {
    const m = whole(MAILS[template]!(YOU, ctx(locale)));
    expect(m).toMatch(YOURS[locale]);
    expect(m).not.toContain(SHOWN);
  });

  it.each(Object.keys(MAILS))(
    '%s: to another member, the address of who asked (as people write it), never "your request"',
    (template) => {
      const m = MAILS[template]!(MONA, ctx(locale));
      expect(whole(m)).toContain(SHOWN);
      expect(m.html).toContain(SHOWN);
      expect(whole(m)).not.toMatch(YOURS[locale]);
      expect(whole(m)).not.toContain('xn--');
    },
  );
});

describe('which request, and when', () => {
  it('a decision names the kind and when it was sent, in the reader’s zone', () => {
    const en = whole(requestDenied({ recipient, asker: MONA, account, request }, ctx('en')));
    expect(en).toContain(
      `A support agent declined the request from ${SHOWN} to lift the international calling block on Brightside Dental (ACC-TB01) (misdial, sent on Dec 6, 2026, 2:07 PM GMT-5).`,
    );
    const es = whole(
      requestApproved(
        { recipient, asker: YOU, account, request: { ...request, kind: 'firewall' } },
        ctx('es'),
      ),
    );
    expect(es).toContain(
      'Un agente de soporte ha aprobado su solicitud para levantar el bloqueo de llamadas internacionales de Brightside Dental (ACC-TB01) (firewall reforzado, enviada el 6 dic 2026, 2:07 p.m. GMT-5).',
    );
  });

  it('a request whose sender’s login is gone is named without anyone, and support’s grant as support’s', () => {
    const gone = whole(requestClosed({ recipient, asker: { is: 'unknown' }, account, request }, ctx('en')));
    expect(gone).toContain('An unblock request for Brightside Dental (ACC-TB01) is closed');
    expect(gone).not.toMatch(YOURS.en);
    const granted = whole(
      allowanceMail(
        'started',
        { recipient, account, allowance, asker: { is: 'support' }, staff: false },
        ctx('en'),
      ),
    );
    expect(granted).toContain('Support granted it for the account.');
  });
});
