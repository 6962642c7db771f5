import { describe, expect, it } from 'vitest';
import { blockLifted } from '@/lib/mail/templates/block-lifted';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { enrolmentCode } from '@/lib/mail/templates/enrolment-code';
import { esc, html } from '@/lib/mail/templates/html';
import { mfaLocked } from '@/lib/mail/templates/mfa-locked';
import { recoveryCodeUsed } from '@/lib/mail/templates/recovery-code-used';
import { loginEnabled } from '@/lib/mail/templates/login-enabled';
import { requestDenied, requestLiftFailed } from '@/lib/mail/templates/requests';
import { securityChange } from '@/lib/mail/templates/security-change';
import { signInLink } from '@/lib/mail/templates/sign-in-link';
import { sipPasswordChanged } from '@/lib/mail/templates/sip-password-changed';
import type { Locale } from '@/lib/i18n/locales';

const ctx = (timeZone = 'America/New_York'): MailContext => ({
  t: mailTranslator(),
  provider: 'Example Voice',
  support: '+1 212 555 0100 / help@voice.example',
  appUrl: 'https://portal.example',
  timeZone,
});
const evil = `<script>alert("x")</script>&'`;

const notice = (over: Partial<Parameters<typeof blockNotice>[0]> = {}) =>
  blockNotice(
    {
      ...baseOf(),
      credentials: [{ username: 'acme-reception', label: 'Reception desk' }],
      link: {
        url: 'https://portal.example/api/auth/callback/nodemailer?token=abc',
        expires: new Date('2026-11-26T09:20:00Z'),
      },
      ...over,
    },
    ctx(),
  );

describe('mail templates', () => {
  it('the html tag escapes every interpolated value', () => {
    expect(html`<p>${evil}</p>`.value).toBe(`<p>${esc(evil)}</p>`);
    expect(esc(evil)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;');
  });

  it('the block notice names the calls in the recipient’s time zone, the number with its country, the credential, the IP and the link', () => {
    const m = notice();
    expect(m.subject).toBe('International calling blocked on Acme Dental (ACC-1001): action needed');
    for (const body of [m.text, m.html]) {
      expect(body).toContain('Nov 25, 2026, 4:13:58 AM GMT-5');
      expect(body).toContain('+252 61 123 4567');
      expect(body).toContain('Somalia');
      expect(body).toContain('Reception desk (acme-reception)');
      expect(body).toContain('203.0.113.9');
      expect(body).toContain('Example Voice');
      expect(body).toContain('+1 212 555 0100 / help@voice.example');
    }
    expect(m.text).toContain(
      'Sign in and see the block:\nhttps://portal.example/api/auth/callback/nodemailer?token=abc',
    );
    expect(m.html).toContain('href="https://portal.example/api/auth/callback/nodemailer?token=abc"');
    expect(m.html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(m.text).toContain('expires on Nov 26, 2026, 4:20 AM GMT-5');
  });

  it('the block notice gives each source IP its country, from the offline database (a documentation range said to be one)', () => {
    const m = notice({ calls: [torCall, { ...torCall, to: '+252611234568', sourceIp: '203.0.113.9' }] });
    for (const body of [m.text, m.html]) {
      expect(body).toContain('From address 185.220.101.47 (Germany)');
      expect(body).toContain('From address 203.0.113.9 (an example address, not one in use on the internet)');
    }
  });

  it('a Spanish block notice names the source IP’s country in Spanish too (a real address, not a documentation range)', () => {
    const m = blockNotice(
      {
        ...baseOf(),
        calls: [torCall],
        credentials: [{ username: 'acme-reception', label: 'Reception desk' }],
        link: { url: 'https://portal.example/continue?t=x', expires: new Date('2026-11-26T09:14:03Z') },
      },
      { ...ctx(), t: mailTranslator('es'), locale: 'es' },
    );
    for (const body of [m.text, m.html]) {
      expect(body).toContain('Desde la dirección 185.220.101.47 (Alemania)');
      expect(body).not.toContain('Germany');
    }
    // Its sign-in link is a button only in HTML: the note under it says "link", true in plain text too.
    expect(m.text).toContain('Este enlace inicia su sesión como');
    expect(m.text).not.toMatch(/botón/i);
  });

  it('a call’s duration reads in hours, minutes and seconds, never as thousands of seconds', () => {
    const long = { ...torCall, durationSec: 3725 };
    const short = { ...torCall, durationSec: 4 };
    const of = (locale: Locale, region: string) =>
      blockNotice(
        { ...baseOf(), calls: [long, short] },
        { ...ctx(), t: mailTranslator(locale, region), locale, region },
      );
    for (const region of ['MX', 'AR', 'ES', 'CO', 'CL'])
      for (const body of [of('es', region).text, of('es', region).html]) {
        expect(body, region).toContain('Duró 1 hora, 2 minutos y 5 segundos');
        expect(body, region).toContain('Duró 4 segundos');
        expect(body, region).not.toMatch(/3[.,]?725/);
      }
    expect(of('en', 'US').text).toContain('Lasted 1 hour, 2 minutes, 5 seconds');
    expect(of('en', 'GB').text).toContain('Lasted 4 seconds');
  });

  it('a time zone of the recipient changes every time shown', () => {
    const m = blockNotice({ ...baseOf(), link: null }, ctx('Europe/Berlin'));
    expect(m.text).toContain('Nov 25, 2026, 10:13:58 AM GMT+1');
    expect(m.text).toContain('See the block:\nhttps://portal.example/blocks/blk1');
  });

  it('switch- and user-provided text is escaped in HTML, and cannot break the subject line', () => {
    const m = notice({
      account: { name: `${evil}\r\nBcc: x@evil.example`, number: 'ACC-1', country: 'US' },
      recipient: { email: 'a@b.example', name: evil },
    });
    expect(m.html).not.toContain('<script>');
    expect(m.html).toContain('&lt;script&gt;');
    expect(m.subject).not.toMatch(/[\r\n]/);
    const denied = requestDenied(
      {
        recipient: { name: null },
        asker: { is: 'you' },
        account: { name: 'Acme', number: 'ACC-1', country: 'US' },
        request: {
          id: 'r',
          blockId: 'b',
          kind: 'misdial',
          createdAt: new Date(),
          callbackPhone: '+12125550100',
          denyReason: `We could not reach you.\n${evil}`,
        },
      },
      ctx(),
    );
    expect(denied.html).not.toContain('<script>');
    expect(denied.text).toContain(`> ${evil}`);
    expect(denied.html).toContain('The agent&#39;s reason');
  });

  it('a javascript: link never becomes an href', () => {
    const m = notice({ link: { url: 'javascript:alert(1)', expires: new Date() } });
    expect(m.html).not.toContain('href="javascript:');
  });

  it('the SIP password alert says which credential, when, from which IP, and what to do if it was not you', () => {
    const m = sipPasswordChanged(
      {
        recipient: { name: 'Dana' },
        account: { name: 'Acme Dental', number: 'ACC-1001' },
        credential: { username: 'acme-pbx', label: 'Main PBX' },
        changedAt: new Date('2026-11-25T15:00:00Z'),
        ip: '198.51.100.23',
        by: 'dana@acme.example',
      },
      ctx(),
    );
    expect(m.subject).toBe(
      'Security alert: SIP password changed for Main PBX (acme-pbx) on Acme Dental (ACC-1001)',
    );
    expect(m.text).toContain('When: Nov 25, 2026, 10:00 AM GMT-5');
    expect(m.text).toContain('From internet address: 198.51.100.23');
    expect(m.text).toContain('If it was not you');
    expect(m.text).toContain('Sign out everywhere');
  });
});

/** A call to Somalia from a Tor exit in Germany (a real address, so the offline database knows it). */
const torCall = {
  at: new Date('2026-11-25T09:13:58Z'),
  sipUsername: 'acme-reception',
  to: '+252611234567',
  sourceIp: '185.220.101.47',
  durationSec: 0,
};

/** A block notice's data: Acme Dental blocked for one call to +252, no credentials named, no link. */
function baseOf(): Parameters<typeof blockNotice>[0] {
  return {
    recipient: { email: 'dana@acme.example', name: null },
    account: { name: 'Acme Dental', number: 'ACC-1001', country: 'US' },
    block: { id: 'blk1', reason: 'high_risk_destination', placedAt: new Date('2026-11-25T09:14:03Z') },
    calls: [
      {
        at: new Date('2026-11-25T09:13:58Z'),
        sipUsername: 'acme-reception',
        to: '+252611234567',
        sourceIp: '203.0.113.9',
        durationSec: 0,
      },
    ],
    credentials: [],
    link: null,
  };
}

describe('block notice steps', () => {
  const steps = (over: Partial<Parameters<typeof blockNotice>[0]>) =>
    blockNotice({ ...baseOf(), ...over }, ctx()).text;
  const creds = [{ username: 'acme-reception', label: 'Reception desk' }];
  const trunkCall = {
    at: new Date('2026-11-25T09:13:59Z'),
    sipUsername: 'pbx-trunk',
    to: '+252611234568',
    sourceIp: '203.0.113.9',
    durationSec: 0,
  };

  it('asks for new passwords of the account’s credentials, and firewall work for IP-authenticated trunks', () => {
    const text = steps({ credentials: creds, calls: [...baseOf().calls, trunkCall] });
    expect(text).toContain('1. Change the SIP password of Reception desk (acme-reception) in the portal.');
    expect(text).toContain('2. Calls also came through pbx-trunk, which has no password in the portal');
  });

  it('one credential to change reads in the singular, two in the plural, in English and in Spanish', () => {
    const two = [...creds, { username: 'acme-pbx', label: 'Office PBX' }];
    // Two credentials to change only when calls went through both.
    const calls = [...baseOf().calls, { ...trunkCall, sipUsername: 'acme-pbx' }];
    const inLocale = (locale: Locale, credentials: typeof creds) =>
      blockNotice({ ...baseOf(), calls, credentials }, { ...ctx(), t: mailTranslator(locale), locale }).text;
    expect(inLocale('en', creds)).toContain(
      'international calling comes back automatically once it is changed.',
    );
    expect(inLocale('en', creds)).not.toContain('every one of them');
    expect(inLocale('en', two)).toContain('1. Change the SIP passwords of ');
    expect(inLocale('en', two)).toContain('once every one of them is changed.');
    expect(inLocale('es', creds)).toContain('1. Cambie en el portal la contraseña SIP de Reception desk');
    expect(inLocale('es', creds)).toContain('en cuanto se haya cambiado.');
    expect(inLocale('es', two)).toContain('1. Cambie en el portal las contraseñas SIP de ');
    expect(inLocale('es', two)).toContain('en cuanto se hayan cambiado todas.');
  });

  // inputs-20: a number the switch wrote in a form nobody reads ("*97") read "To *97", as if *97
  // were a number Tollgate knew; it says so in both languages.
  it('a call to a number that could not be read says so, in English and in Spanish', () => {
    const unread = { ...baseOf().calls[0]!, to: '*97' };
    const inLocale = (locale: Locale) =>
      blockNotice({ ...baseOf(), calls: [unread] }, { ...ctx(), t: mailTranslator(locale), locale }).text;
    expect(inLocale('en')).toContain(
      'To *97 (a number we could not read; the block page shows it as our phone system logged it)',
    );
    expect(inLocale('es')).toContain(
      'A *97 (un número que no hemos podido leer; la página del bloqueo lo muestra tal como lo registró nuestra central)',
    );
  });

  it('a manual block, or one without calls, sends the customer to support', () => {
    expect(
      steps({ credentials: creds, block: { id: 'b', reason: 'manual', placedAt: new Date() } }),
    ).toContain('1. Our support team decides when this block is lifted');
    const none = steps({ calls: [] });
    expect(none).toContain('1. Our support team decides when this block is lifted');
    expect(none).not.toContain('What happened');
  });
});

describe('the misdial step speaks of the block’s own destinations (read-18)', () => {
  const cuba = { ...torCall, to: '+5378612345', sourceIp: '203.0.113.9' };
  const inLocale = (locale: Locale, over: Partial<Parameters<typeof blockNotice>[0]>) =>
    blockNotice({ ...baseOf(), ...over }, { ...ctx(), t: mailTranslator(locale), locale }).text;

  it('a block on calls to Cuba names Cuba, not Somalia, and gives no invented example', () => {
    const en = inLocale('en', { calls: [cuba] });
    expect(en).toContain('If the call to Cuba was only a mistyped number, open the block page');
    expect(en).not.toMatch(/\+252|\+2…/);
    const es = inLocale('es', { calls: [cuba, { ...cuba, at: new Date('2026-11-25T09:14:00Z') }] });
    expect(es).toContain('Si las llamadas a Cuba fueron solo un error al marcar, abra la página del bloqueo');
    expect(es).not.toMatch(/\+252|\+2…/);
  });

  it('a number that reads as a national one with 00 in front shows that slip', () => {
    const london = { ...cuba, to: '002079460000' };
    const account = { name: 'Acme UK', number: 'ACC-3001', country: 'GB' };
    expect(inLocale('en', { account, calls: [london] })).toContain(
      'If someone meant to dial the national number 020 7946 0000 and dialled 00 20 7946 0000 instead',
    );
    expect(inLocale('es', { account, calls: [london] })).toContain(
      'Si alguien quería marcar el número nacional 020 7946 0000 y marcó 00 20 7946 0000 por error',
    );
  });

  it('a manual block, whose page offers no misdial request, does not invite one', () => {
    const manual = { id: 'b', reason: 'manual' as const, placedAt: new Date() };
    expect(inLocale('en', { block: manual })).not.toContain('This was a misdial');
  });
});

describe('the provider’s name, set or not (review 10)', () => {
  // PROVIDER_NAME unset is the documented default: lib/mail/render.ts passes provider null. The
  // default ("Your VoIP provider") is no proper noun: slotted in where a name goes it read "Your Your
  // VoIP provider second factor is locked", "…al portal de Su proveedor de VoIP".
  const at = new Date('2026-11-25T09:14:03Z');
  const link = { url: 'https://portal.example/x', expires: at };
  const mails = (provider: string | null, locale: Locale) => {
    const c: MailContext = { ...ctx(), provider, t: mailTranslator(locale), locale };
    return {
      signIn: signInLink({ email: 'dana@acme.example', url: link.url, expires: at }, c),
      locked: mfaLocked(
        { recipient: { name: null, email: 'dana@acme.example' }, failures: 20, lockedAt: at, link },
        c,
      ),
      lifted: blockLifted(
        {
          recipient: { name: null },
          account: { name: 'Acme', number: 'ACC-1' },
          block: { id: 'b', liftedAt: at },
        },
        c,
      ),
    };
  };

  it('unset, English: sentences without a name, signed "Your VoIP provider"', () => {
    const m = mails(null, 'en');
    expect(m.signIn.subject).toBe('Your sign-in link for the customer portal');
    expect(m.locked.subject).toBe('Your two-factor authentication is locked');
    expect(m.signIn.text).toContain(
      'Use the link below to sign in to the customer portal of your VoIP provider as dana@acme.example.',
    );
    expect(m.signIn.text).toContain(
      'someone asked for a sign-in link for this address in the customer portal of your VoIP provider.',
    );
    // A security alert says why the reader has it: nobody asked for it (review, session 34).
    expect(m.locked.text).toContain(
      'it is about the security of your login to the customer portal of your VoIP provider.',
    );
    expect(m.locked.text).not.toContain('someone asked for a sign-in link');
    expect(m.lifted.text).toContain(
      'You get this email because you are a contact for Acme (ACC-1) in the customer portal of your VoIP provider.',
    );
    for (const mail of Object.values(m)) {
      expect(mail.text).toContain('Your VoIP provider ·'); // the signature
      // The plain text has no button to point at: every message says "link", in both renderings.
      expect(mail.text).not.toMatch(/button/i);
      for (const body of [mail.subject, mail.text, mail.html])
        expect(body).not.toMatch(/the Your VoIP|Your Your|for the Your/);
    }
  });

  it('unset, Spanish: the same, "su proveedor de VoIP" in lower case inside a sentence', () => {
    const m = mails(null, 'es');
    expect(m.signIn.subject).toBe('Su enlace de acceso al portal de clientes');
    expect(m.locked.subject).toBe('Su autenticación de doble factor está bloqueada');
    expect(m.signIn.text).toContain(
      'iniciar sesión en el portal de clientes de su proveedor de VoIP como dana@acme.example.',
    );
    expect(m.lifted.text).toContain(
      'es contacto de Acme (ACC-1) en el portal de clientes de su proveedor de VoIP.',
    );
    for (const mail of Object.values(m)) {
      expect(mail.text).toContain('Su proveedor de VoIP ·');
      for (const body of [mail.subject, mail.text, mail.html]) expect(body).not.toMatch(/de Su proveedor/);
    }
  });

  it('set: the name where a name goes, in both languages', () => {
    const en = mails('Example Voice', 'en');
    expect(en.signIn.subject).toBe('Your sign-in link for the Example Voice portal');
    expect(en.locked.subject).toBe('Your Example Voice two-factor authentication is locked');
    expect(en.lifted.text).toContain('a contact for Acme (ACC-1) in the Example Voice customer portal.');
    const es = mails('Example Voice', 'es');
    expect(es.signIn.subject).toBe('Su enlace de acceso al portal de Example Voice');
    expect(es.locked.subject).toBe('Su autenticación de doble factor de Example Voice está bloqueada');
    expect(es.lifted.text).toContain('en el portal de clientes de Example Voice.');
    for (const mail of [...Object.values(en), ...Object.values(es)])
      expect(mail.text).toContain('Example Voice ·');
  });
});

describe('an unblock request whose lift did not happen (review 11)', () => {
  it('the lift an approval queued did not happen: calls stay blocked, the request is back with support', () => {
    const d = {
      recipient: { name: 'Dana' },
      asker: { is: 'you' as const },
      account: { name: 'Acme Dental', number: 'ACC-1001', country: 'US' },
      request: {
        id: 'r',
        blockId: 'b',
        kind: 'misdial' as const,
        createdAt: new Date(),
        callbackPhone: '+12125550100',
        denyReason: null,
      },
    };
    const en = requestLiftFailed(d, ctx());
    expect(en.subject).toBe('International calling is still blocked on Acme Dental (ACC-1001)');
    expect(en.text).toContain('Our phone system did not lift it: international calling is still blocked.');
    expect(en.text).toContain('https://portal.example/blocks/b');
    const es = requestLiftFailed(d, { ...ctx(), t: mailTranslator('es'), locale: 'es' });
    expect(es.text).toContain('las llamadas internacionales siguen bloqueadas');
  });

  it('a lift Tollgate withdrew says so and why, never that the switch did not lift it (tester, finding 6)', () => {
    const d = {
      recipient: { name: 'Dana' },
      asker: { is: 'you' as const },
      account: { name: 'Acme Dental', number: 'ACC-1001', country: 'US' },
      request: {
        id: 'r',
        blockId: 'b',
        kind: 'misdial' as const,
        createdAt: new Date(),
        callbackPhone: '+12125550100',
        denyReason: null,
      },
    };
    const why = {
      new_block: ['it placed a new block on the account', 'colocó un nuevo bloqueo en la cuenta'],
      newer_in_force: [
        'it reported lifting the account at a time before this block was placed',
        'en un momento anterior a la colocación de este bloqueo',
      ],
      support_placed: [
        'our support team placed a new block on the account',
        'nuestro equipo de soporte colocó un nuevo bloqueo en la cuenta',
      ],
    } as const;
    for (const [withdrawn, [en, es]] of Object.entries(why)) {
      const w = withdrawn as keyof typeof why;
      const mail = requestLiftFailed({ ...d, withdrawn: w }, ctx());
      expect(mail.text).toContain(`Before our phone system confirmed the lift, ${en}`);
      expect(mail.text).toContain('international calling is still blocked.');
      expect(mail.text).not.toContain('Our phone system did not lift it');
      expect(mail.html).toContain('We withdrew the lift before our phone system confirmed it.');
      const spanish = requestLiftFailed(
        { ...d, withdrawn: w },
        { ...ctx(), t: mailTranslator('es'), locale: 'es' },
      );
      expect(spanish.text).toContain(es);
      expect(spanish.text).toContain('retiramos el levantamiento');
      expect(spanish.text).not.toContain('no lo ha levantado');
    }
  });

  it('a recovery code used: when, from where, how many are left (none: make new ones now), in English and Spanish', () => {
    const at = new Date('2026-12-04T15:30:00Z');
    const mail = (left: number, locale: Locale = 'en', ip: string | null = '203.0.113.7') =>
      recoveryCodeUsed(
        { recipient: { name: 'Dana', email: 'dana@acme.example' }, usedAt: at, ip, left },
        { ...ctx('Europe/Madrid'), t: mailTranslator(locale), locale },
      );
    const en = mail(1);
    expect(en.subject).toBe('A recovery code was used for your Example Voice login');
    expect(en.text).toContain('from the internet address 203.0.113.7');
    expect(en.text).toContain('You have 1 recovery code left.');
    expect(en.text).toContain('https://portal.example/profile');
    expect(mail(0).text).toContain('You have no recovery codes left: make new ones on your profile page now');
    expect(mail(3, 'en', null).text).not.toContain('internet address');
    const es = mail(0, 'es');
    expect(es.subject).toBe('Se usó un código de recuperación en su acceso a Example Voice');
    expect(es.text).toContain('No le quedan códigos de recuperación');
    expect(mail(2, 'es').text).toContain('Le quedan 2 códigos de recuperación.');
  });

  it('a login enabled again: when, the password unchanged, what to do if not asked for, in English and Spanish', () => {
    const at = new Date('2026-12-04T15:30:00Z');
    const mail = (locale: Locale, passwordCleared = false) =>
      loginEnabled(
        { recipient: { name: 'Dana', email: 'dana@acme.example' }, enabledAt: at, passwordCleared },
        { ...ctx('Europe/Madrid'), t: mailTranslator(locale), locale },
      );
    const en = mail('en');
    expect(en.subject).toBe('Your Example Voice login can sign in again');
    expect(en.text).toContain('Support enabled your login to the customer portal again on');
    expect(en.text).toContain('Your password is unchanged.');
    expect(en.text).toContain('someone may have asked in your name');
    expect(en.text).toContain('https://portal.example/profile');
    expect(en.text).not.toMatch(/token=|\/auth\/callback/);
    const es = mail('es');
    expect(es.subject).toBe('Su acceso a Example Voice puede volver a iniciar sesión');
    expect(es.text).toContain('Su contraseña no ha cambiado.');
    // Support removed the password as they enabled it: an emailed link, then a new password.
    const cleared = mail('en', true).text;
    expect(cleared).toContain('Support removed your portal password as they enabled the login');
    expect(cleared).toContain('“Email me a sign-in link”');
    expect(cleared).not.toContain('Your password is unchanged.');
    expect(mail('es', true).text).toContain('Soporte eliminó su contraseña del portal');
  });
});

// A move of the second factor to a new phone was mailed as a set-up ("Your code to turn on two-factor
// authentication", then "… was turned on for your login") to someone who had just lost a phone
// (re-review of the move, 2026-12-05): each mail now says what happened, in both languages.
describe('the second factor’s mails say whether it was turned on or moved to a new phone', () => {
  const recipient = { name: 'Dana', email: 'dana@acme.example' };
  const at = new Date('2026-12-05T15:30:00Z');
  const inLocale = (locale: Locale) => ({ ...ctx('Europe/Madrid'), t: mailTranslator(locale), locale });
  const code = (purpose: 'enrol' | 'move' | 'password', locale: Locale) =>
    enrolmentCode({ recipient, code: '482913', expires: at, ip: '203.0.113.7', purpose }, inLocale(locale));
  const change = (c: 'mfa_enrolled' | 'mfa_moved', locale: Locale) =>
    securityChange({ recipient, change: c, at, ip: '203.0.113.7' }, inLocale(locale));
  const preheader = (html: string) => /<div style="display:none[^>]*>([^<]*)<\/div>/.exec(html)?.[1];

  it('the code mailed for a move, in English and Spanish', () => {
    const en = code('move', 'en');
    expect(en.subject).toBe('Your code to move two-factor authentication to a new phone for Example Voice');
    expect(preheader(en.html)).toBe(
      'Type it on the page where you are moving it, beside the code from the app on your new phone.',
    );
    expect(en.text).toContain(
      'asked to move two-factor authentication to a new phone (from the internet address 203.0.113.7)',
    );
    expect(en.text).toContain('482 913');
    expect(`${en.subject} ${preheader(en.html)} ${en.text}`).not.toMatch(/turn on|set-up page/);
    const es = code('move', 'es');
    expect(es.subject).toBe(
      'Su código para pasar la autenticación de doble factor a un teléfono nuevo en Example Voice',
    );
    expect(preheader(es.html)).toBe(
      'Escríbalo en la página donde la está pasando, junto al código de la aplicación de su teléfono nuevo.',
    );
    expect(es.text).toContain('ha pedido pasar la autenticación de doble factor a un teléfono nuevo');
    expect(`${es.subject} ${preheader(es.html)} ${es.text}`).not.toMatch(/activar|configuración/);
  });

  it('the set-up’s code speaks of turning it on only, in English and Spanish; the password’s of the password', () => {
    const en = code('enrol', 'en');
    expect(en.subject).toBe('Your code to turn on two-factor authentication for Example Voice');
    expect(preheader(en.html)).toBe(
      'Type it on the set-up page beside the code from your authenticator app.',
    );
    expect(en.text).toContain(
      'asked to turn on two-factor authentication (from the internet address 203.0.113.7)',
    );
    expect(en.text).not.toMatch(/\bmove|new phone/);
    const es = code('enrol', 'es');
    expect(es.subject).toBe('Su código para activar la autenticación de doble factor en Example Voice');
    expect(es.text).toContain('ha pedido activar la autenticación de doble factor');
    expect(es.text).not.toMatch(/pasar|teléfono nuevo/);
    expect(code('password', 'en').subject).toBe('Your code to choose a portal password for Example Voice');
    expect(code('password', 'es').subject).toBe(
      'Su código para elegir una contraseña del portal de Example Voice',
    );
  });

  it('the alert after a move says it was moved, not turned on; after a set-up, turned on; in English and Spanish', () => {
    const en = change('mfa_moved', 'en');
    expect(en.subject).toBe(
      'Two-factor authentication was moved to a new phone for your Example Voice login',
    );
    expect(preheader(en.html)).toContain('the authenticator app on the new phone');
    expect(en.text).toContain('Two-factor authentication for your login was moved to a new phone on');
    expect(en.text).toContain('from the internet address 203.0.113.7');
    expect(en.text).toContain('the old recovery codes no longer work');
    expect(`${en.subject} ${en.text}`).not.toMatch(/turned on/);
    const es = change('mfa_moved', 'es');
    expect(es.subject).toBe(
      'Se pasó la autenticación de doble factor a un teléfono nuevo en su acceso a Example Voice',
    );
    expect(es.text).toContain('La autenticación de doble factor de su acceso se pasó a un teléfono nuevo el');
    expect(`${es.subject} ${es.text}`).not.toMatch(/activó/);

    const on = change('mfa_enrolled', 'en');
    expect(on.subject).toBe('Two-factor authentication was turned on for your Example Voice login');
    expect(on.text).toContain('Two-factor authentication was turned on for your login on');
    expect(on.text).not.toMatch(/moved|new phone/);
    const onEs = change('mfa_enrolled', 'es');
    expect(onEs.subject).toBe('Se activó la autenticación de doble factor en su acceso a Example Voice');
    expect(onEs.text).not.toMatch(/pasó|teléfono nuevo/);
  });
});

// A second factor reset by support (/staff/users) or an operator (the CLI) was mailed to nobody
// (review, 2026-12-05): someone holding a leaked password who talked support into a reset signed in
// with the password alone, unheard. Each reset is a security change of its own, saying who and when.
describe('a second factor reset by someone else says who did it, when, and to contact support if it was not asked for', () => {
  const recipient = { name: 'Dana', email: 'dana@acme.example' };
  const at = new Date('2026-12-05T15:30:00Z');
  const inLocale = (locale: Locale) => ({ ...ctx('Europe/Madrid'), t: mailTranslator(locale), locale });
  const reset = (c: 'mfa_reset_by_support' | 'mfa_reset_by_operator', locale: Locale) =>
    securityChange({ recipient, change: c, at, ip: null }, inLocale(locale));

  it('by support: the password replaced too, in English and Spanish', () => {
    const en = reset('mfa_reset_by_support', 'en');
    expect(en.subject).toBe('Support reset two-factor authentication for your Example Voice login');
    expect(en.text).toContain(
      'Support reset the two-factor authentication of your login on Dec 5, 2026, 4:30 PM GMT+1:',
    );
    expect(en.text).toContain('its password was replaced with a new one that support gives you');
    expect(en.text).toContain(
      'If you did not ask for this, someone may have asked support in your name: contact +1 212 555 0100 / help@voice.example now.',
    );
    expect(en.text).not.toMatch(/If that was you|internet address/);
    const es = reset('mfa_reset_by_support', 'es');
    expect(es.subject).toBe(
      'Soporte restableció la autenticación de doble factor de su acceso a Example Voice',
    );
    expect(es.text).toContain('Soporte restableció la autenticación de doble factor de su acceso el ');
    expect(es.text).toContain('Si usted no lo pidió, alguien pudo pedirlo a soporte en su nombre');
    expect(es.text).not.toMatch(/Si fue usted|dirección de internet/);
  });

  it('by an operator: the password unchanged, in English and Spanish', () => {
    const en = reset('mfa_reset_by_operator', 'en');
    expect(en.subject).toBe('An operator reset two-factor authentication for your Example Voice login');
    expect(en.text).toContain(
      'An operator of the support team reset the two-factor authentication of your login on',
    );
    expect(en.text).toContain(
      'Its password is unchanged, so until two-factor authentication is set up again',
    );
    expect(en.text).toContain('If you did not ask for this');
    const es = reset('mfa_reset_by_operator', 'es');
    expect(es.subject).toBe(
      'Un operador restableció la autenticación de doble factor de su acceso a Example Voice',
    );
    expect(es.text).toContain('Su contraseña no ha cambiado');
    expect(es.text).toContain('Si usted lo pidió a soporte, inicie sesión con su contraseña');
  });
});

// A password the operator set with `set-password` was mailed as `password_changed` (till 2026-12-06):
// "if it was not you, someone else signed in to your login", to an owner who had done nothing and
// needed the new password from their provider. It is a security change of its own.
describe('a password an operator set says who set it, when, what ended, where the new one comes from', () => {
  const recipient = { name: 'Dana', email: 'dana@acme.example' };
  const at = new Date('2026-12-05T15:30:00Z');
  const inLocale = (locale: Locale) => ({ ...ctx('Europe/Madrid'), t: mailTranslator(locale), locale });
  const set = (locale: Locale, provider: string | null = 'Example Voice') =>
    securityChange(
      { recipient, change: 'password_set_by_operator', at, ip: null },
      { ...inLocale(locale), provider },
    );

  it('in English: the operator, the date in the reader’s zone, sessions and links ended, ask support', () => {
    const en = set('en');
    expect(en.subject).toBe('An operator set a new password for your Example Voice login');
    expect(set('en', null).subject).toBe('An operator set a new password for your login');
    for (const body of [en.text, en.html]) {
      expect(body).toContain(
        'An operator of the support team set a new password for your login on Dec 5, 2026, 4:30 PM GMT+1.',
      );
      expect(body).toContain('every session of your login was signed out');
      expect(body).toContain('the sign-in links emailed to you were cancelled');
    }
    expect(en.text).toContain(
      "If you expected this, get the new password from your provider's support and sign in with it;",
    );
    expect(en.text).toContain('“Email me a sign-in link” on the sign-in page also gets you in.');
    expect(en.text).toContain(
      'If you did not expect this, someone may have asked support for it in your name: contact +1 212 555 0100 / help@voice.example now.',
    );
    // Not the wording of a change the owner made, nor any address, nor a "Forgot password" the portal lacks.
    expect(en.text).not.toMatch(/If that was you|If it was not you|internet address|Forgot/);
  });

  it('in Spanish, for Spain and Latin America alike', () => {
    const es = set('es');
    expect(es.subject).toBe('Un operador estableció una contraseña nueva para su acceso a Example Voice');
    expect(set('es', null).subject).toBe('Un operador estableció una contraseña nueva para su acceso');
    expect(es.text).toContain(
      'Un operador del equipo de soporte estableció una contraseña nueva para su acceso el 5 dic 2026, 16:30 GMT+1.',
    );
    expect(es.text).toContain(
      'se cerraron todas las sesiones de su acceso y se anularon los enlaces de acceso',
    );
    expect(es.text).toContain('Si lo esperaba, pida la contraseña nueva al soporte de su proveedor');
    expect(es.text).toContain('«Enviarme un enlace de acceso»');
    expect(es.text).toContain(
      'Si no lo esperaba, alguien pudo pedirlo a soporte en su nombre: avise a +1 212 555 0100 / help@voice.example de inmediato.',
    );
    expect(es.text).not.toMatch(/Si fue usted|Si no fue usted|dirección de internet/);
  });
});
