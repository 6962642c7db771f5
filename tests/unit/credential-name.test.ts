import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { CredentialName } from '@/components/ui/credential-name';
import { credentialCallName, credentialLabel, credentialName } from '@/lib/accounts/credential-name';
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

  it('shows label and username otherwise, in the words the caller gives', () => {
    expect(credentialLabel({ username: 'acme-pbx', label: ' Centralita ' })).toBe('Centralita');
    expect(credentialName(named)).toBe('Centralita (acme-pbx)');
    expect(credentialName(named, (l, u) => `${l} / ${u}`)).toBe('Centralita / acme-pbx');
    expect(credentialCallName(named)).toBe('Centralita');
  });

  it('in markup: the username once, in monospace', () => {
    expect(renderToStaticMarkup(h(CredentialName, { credential: bare }))).toBe(
      '<span class="font-mono text-sm text-slate-700">conmutador</span>',
    );
    expect(
      renderToStaticMarkup(
        h(CredentialName, { credential: named, brackets: true, usernameClass: 'font-mono' }),
      ),
    ).toBe('Centralita <span class="font-mono">(acme-pbx)</span>');
  });

  it('in a mail, through the same rule', () => {
    const ctx = { t: mailTranslator('es') } as unknown as MailContext;
    expect(mailCredential(ctx, bare.username, bare.label)).toBe('conmutador');
    expect(mailCredential(ctx, named.username, named.label)).toBe('Centralita (acme-pbx)');
  });
});
