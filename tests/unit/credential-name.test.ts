import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { describe, expect, it } from 'vitest';
import { TimelineDetail } from '@/components/block/timeline';
import { CredentialName } from '@/components/ui/credential-name';
import {
  credentialCallName,
  credentialLabel,
  credentialName,
  credentialOfResetDetail,
} from '@/lib/accounts/credential-name';
import { storeNote } from '@/lib/i18n/stored';
import { CATALOGUES } from '@/lib/i18n/translate';
import {
  credentialLabel as mailCredential,
  mailTranslator,
  type MailContext,
} from '@/lib/mail/templates/context';

// A credential added without a label gets its username as label (lib/accounts/commands.ts), and
// every place that named it read it twice: "conmutador conmutador" on the account card, "Cambie
// ahora las contraseñas SIP de conmutador (conmutador)…" on the block page (tester, session 42).

const bare = { username: 'conmutador', label: 'conmutador' };
const named = { username: 'acme-pbx', label: 'Centralita' };

describe('naming a SIP credential', () => {
  it('shows the username alone when the label is empty or the username again', () => {
    for (const c of [
      bare,
      { username: 'conmutador', label: '' },
      { username: 'conmutador', label: '  ' },
      { username: 'conmutador' },
      { username: 'acme-pbx', label: 'ACME-PBX' },
    ]) {
      expect(credentialLabel(c)).toBeNull();
      expect(credentialName(c)).toBe(c.username);
      expect(credentialCallName(c)).toBe(c.username);
    }
  });

  it('drops the username in brackets from a label that ends with it', () => {
    // An operator's --label "Office PBX (office-pbx)" read "Office PBX (office-pbx) (office-pbx)".
    for (const label of ['Office PBX (office-pbx)', 'Office PBX(Office-PBX) ', 'Office PBX  (office-pbx)']) {
      const c = { username: 'office-pbx', label };
      expect(credentialLabel(c)).toBe('Office PBX');
      expect(credentialName(c)).toBe('Office PBX (office-pbx)');
      expect(credentialCallName(c)).toBe('Office PBX');
    }
    for (const label of ['(office-pbx)', ' (OFFICE-PBX)'])
      expect(credentialName({ username: 'office-pbx', label })).toBe('office-pbx');
    // Brackets around anything else are the label's own.
    expect(credentialName({ username: 'office-pbx', label: 'PBX (office)' })).toBe(
      'PBX (office) (office-pbx)',
    );
  });

  it('shows label and username otherwise, in the words the caller gives', () => {
    expect(credentialLabel({ username: 'acme-pbx', label: ' Centralita ' })).toBe('Centralita');
    expect(credentialName(named)).toBe('Centralita (acme-pbx)');
    expect(credentialName(named, (l, u) => `${l} / ${u}`)).toBe('Centralita / acme-pbx');
    expect(credentialCallName(named)).toBe('Centralita');
  });

  it('in markup: the username once, in monospace, never broken across lines', () => {
    expect(renderToStaticMarkup(h(CredentialName, { credential: bare }))).toBe(
      '<span class="unbroken font-mono text-sm text-slate-700">conmutador</span>',
    );
    expect(
      renderToStaticMarkup(
        h(CredentialName, { credential: named, brackets: true, usernameClass: 'font-mono' }),
      ),
    ).toBe('Centralita <span class="unbroken font-mono">(acme-pbx)</span>');
  });

  it('in a mail, through the same rule', () => {
    const ctx = { t: mailTranslator('es') } as unknown as MailContext;
    expect(mailCredential(ctx, bare.username, bare.label)).toBe('conmutador');
    expect(mailCredential(ctx, named.username, named.label)).toBe('Centralita (acme-pbx)');
  });
});

// The block timeline's "SIP password changed" entry stores the credential as "<label> (<username>)"
// (lib/credentials/reset.ts), the username as label when there was none: shown as stored it read
// "conmutador (conmutador)" on the block page and the staff request page (tester, session 43).
describe('a password change on a block’s timeline', () => {
  const entry = (type: 'password_reset' | 'request_submitted', detail: string | null) =>
    renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale: 'en',
        messages: CATALOGUES.en,
        timeZone: 'UTC',
        children: h(TimelineDetail, { event: { type, detail }, audience: 'staff' }),
      }),
    );

  it('reads the credential back from the stored detail', () => {
    expect(credentialOfResetDetail('conmutador (conmutador)')).toEqual({
      label: 'conmutador',
      username: 'conmutador',
    });
    expect(credentialOfResetDetail('Office PBX (office-pbx) (office-pbx)')).toEqual({
      label: 'Office PBX (office-pbx)',
      username: 'office-pbx',
    });
    expect(credentialOfResetDetail(' (acme.pbx@x+1)')).toEqual({ label: '', username: 'acme.pbx@x+1' });
    for (const other of [null, '', 'conmutador', 'Office PBX (two words)', 'x (a)b'])
      expect(credentialOfResetDetail(other)).toBeNull();
  });

  it('names the credential once, as every page does', () => {
    expect(entry('password_reset', 'conmutador (conmutador)')).toBe(
      '<span class="unbroken font-mono">conmutador</span>',
    );
    expect(entry('password_reset', 'Office PBX (office-pbx) (office-pbx)')).toBe(
      'Office PBX <span class="unbroken font-mono">(office-pbx)</span>',
    );
    expect(entry('password_reset', 'Centralita (acme-pbx)')).toBe(
      'Centralita <span class="unbroken font-mono">(acme-pbx)</span>',
    );
  });

  it('shows any other entry’s detail as before', () => {
    expect(entry('password_reset', 'changed by hand')).toBe(
      '<span class="whitespace-pre-wrap">changed by hand</span>',
    );
    expect(entry('request_submitted', storeNote('history.submitted', { kind: 'misdial' }))).toMatch(
      /^<span class="whitespace-pre-wrap">[^<(]+<\/span>$/,
    );
  });
});
