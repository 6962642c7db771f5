import { describe, expect, it } from 'vitest';
import { type MailContext, mailTranslator } from '@/lib/mail/templates/context';
import { sipPasswordChanged, sipPasswordsChanged } from '@/lib/mail/templates/sip-password-changed';
import { MAIL_PAYLOADS, sipPasswordChanges } from '@/lib/mail/payloads';

// The security alert of several confirmed SIP password changes of one account, gathered in one
// message (lib/mail/queue.ts queuePasswordChangedAlert): one card per credential, in the order they
// were changed, the "if it was not you" guidance once; one change reads exactly as it always did.

const ctx = (locale: 'en' | 'es'): MailContext => ({
  t: mailTranslator(locale),
  provider: 'Example Voice',
  support: 'help@voice.example',
  appUrl: 'https://portal.example',
  timeZone: 'America/New_York',
  locale,
});

const recipient = { name: 'Dana' };
const account = { name: 'Acme Dental', number: 'ACC-1001' };
const change = (
  username: string,
  label: string,
  minute: number,
  by: string | null = 'dana@acme.example',
) => ({
  credential: { username, label },
  changedAt: new Date(`2026-11-25T15:${String(minute).padStart(2, '0')}:00Z`),
  ip: '198.51.100.23',
  by,
});
const pbx = change('acme-pbx', 'Main PBX', 0);
const reception = change('acme-reception', 'Reception', 1, 'omar@acme.example');
const fax = change('acme-fax', 'Fax', 2, null);

describe('the SIP password alert of several changes', () => {
  it('one change reads exactly as the alert of one change always did, in both languages', () => {
    for (const locale of ['en', 'es'] as const) {
      const one = sipPasswordsChanged({ recipient, account, changes: [pbx] }, ctx(locale));
      const before = sipPasswordChanged({ recipient, account, ...pbx }, ctx(locale));
      expect(one).toEqual(before);
    }
    expect(sipPasswordsChanged({ recipient, account, changes: [pbx] }, ctx('en')).subject).toBe(
      'Security alert: SIP password changed for Main PBX (acme-pbx) on Acme Dental (ACC-1001)',
    );
  });

  it('several: one subject, one card per credential in order, the guidance once (English)', () => {
    const m = sipPasswordsChanged({ recipient, account, changes: [pbx, reception, fax] }, ctx('en'));
    expect(m.subject).toBe('Security alert: 3 SIP passwords changed on Acme Dental (ACC-1001)');
    expect(m.text).toContain('The SIP passwords of 3 credentials on Acme Dental (ACC-1001) were changed.');
    expect(m.text.match(/^\* .+$/gm)).toEqual([
      '* Main PBX (acme-pbx)',
      '* Reception (acme-reception)',
      '* Fax (acme-fax)',
    ]);
    expect(m.text.match(/^ {2}When: .+$/gm)).toEqual([
      '  When: Nov 25, 2026, 10:00 AM GMT-5',
      '  When: Nov 25, 2026, 10:01 AM GMT-5',
      '  When: Nov 25, 2026, 10:02 AM GMT-5',
    ]);
    expect(m.text.match(/^ {2}By: .+$/gm)).toEqual([
      '  By: dana@acme.example',
      '  By: omar@acme.example',
      '  By: unknown',
    ]);
    expect(m.text.match(/^ {2}From internet address: 198\.51\.100\.23$/gm)).toHaveLength(3);
    expect(m.text.match(/If it was not you/g)).toHaveLength(1);
    expect(m.text).toContain('Phones using these credentials need their new passwords.');
    expect(m.text).toContain('Sign in and set a new SIP password for each of these credentials.');
    expect(m.html.match(/font-weight:bold">[^<]+\(acme-/g)).toHaveLength(3);
  });

  it('several: the same in Spanish', () => {
    const m = sipPasswordsChanged({ recipient, account, changes: [pbx, reception] }, ctx('es'));
    expect(m.subject).toBe(
      'Alerta de seguridad: se han cambiado 2 contraseñas SIP en Acme Dental (ACC-1001)',
    );
    expect(m.text).toContain(
      'Se han cambiado las contraseñas SIP de 2 credenciales en Acme Dental (ACC-1001).',
    );
    expect(m.text.match(/^\* .+$/gm)).toEqual(['* Main PBX (acme-pbx)', '* Reception (acme-reception)']);
    expect(m.text.match(/^ {2}Quién: .+$/gm)).toEqual([
      '  Quién: dana@acme.example',
      '  Quién: omar@acme.example',
    ]);
    expect(m.text.match(/Si no fue usted/g)).toHaveLength(1);
    expect(m.text).toContain(
      'Inicie sesión y establezca una nueva contraseña SIP para cada una de estas credenciales.',
    );
  });

  it('one credential changed twice: one card with both changes, worded for one credential', () => {
    const again = change('acme-pbx', 'Main PBX', 5, 'omar@acme.example');
    const m = sipPasswordsChanged({ recipient, account, changes: [pbx, reception, again] }, ctx('en'));
    expect(m.subject).toBe('Security alert: 2 SIP passwords changed on Acme Dental (ACC-1001)');
    expect(m.text.match(/^\* .+$/gm)).toEqual(['* Main PBX (acme-pbx)', '* Reception (acme-reception)']);
    const twice = sipPasswordsChanged({ recipient, account, changes: [pbx, again] }, ctx('en'));
    expect(twice.subject).toBe(
      'Security alert: SIP password changed for Main PBX (acme-pbx) on Acme Dental (ACC-1001)',
    );
    expect(twice.text.match(/^ {2}When: /gm)).toHaveLength(2);
  });
});

describe('the payload of the SIP password alert', () => {
  const schema = MAIL_PAYLOADS.sip_password_changed;
  const listed = { credentialId: 'c1', changedAt: '2026-11-25T15:00:00.000Z', ip: null, by: null };

  it('takes one change as before, and a list of changes of one account', () => {
    const old = schema.parse({ credentialId: 'c1', changedAt: '2026-11-25T15:00:00Z', ip: '192.0.2.1' });
    expect(sipPasswordChanges(old)).toEqual([
      { credentialId: 'c1', changedAt: '2026-11-25T15:00:00Z', ip: '192.0.2.1', by: null },
    ]);
    const many = schema.parse({
      accountId: 'a1',
      userId: 'u1',
      changes: [listed, { ...listed, credentialId: 'c2' }],
    });
    expect(sipPasswordChanges(many).map((c) => c.credentialId)).toEqual(['c1', 'c2']);
  });

  it('refuses a list without its account, an empty or overlong list, bad ids, and both shapes at once', () => {
    for (const bad of [
      { changes: [listed] },
      { accountId: 'a1', changes: [] },
      { accountId: 'a1', changes: Array.from({ length: 51 }, () => listed) },
      { accountId: 'a1', changes: [{ ...listed, credentialId: '' }] },
      { accountId: 'x'.repeat(65), changes: [listed] },
      { accountId: 'a1', changes: [{ ...listed, changedAt: 'yesterday' }] },
      { accountId: 'a1', changes: [{ ...listed, ip: 'x'.repeat(65) }] },
      { accountId: 'a1', changes: [listed], credentialId: 'c1', changedAt: listed.changedAt },
      { accountId: 'a1', changes: [listed], unconfirmedChangeId: 'ch1' },
      { accountId: 'a1', credentialId: 'c1', changedAt: listed.changedAt },
      { credentialId: 'c1' },
    ])
      expect(schema.safeParse(bad).success, JSON.stringify(bad).slice(0, 80)).toBe(false);
  });
});
