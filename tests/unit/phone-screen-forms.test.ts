import { createElement as h } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { copyText, CopyButton, selectContents } from '@/components/sip/copy-button';
import { NewPassword, passwordWord, type ResetAnswer } from '@/components/sip/reset-form';
import { MisdialForm } from '@/components/block/misdial-form';
import { CurrentPasswordField, Field, typedAsIs } from '@/components/ui/field';
import { CodeForm } from '@/components/ui/code-form';
import { CREDENTIALS_CLIENT_NAMESPACES, pickMessages } from '@/lib/i18n/client-messages';
import en from '@/messages/en.json';
import es from '@/messages/es.json';
import { inPage, renderAnswered, renderHtml, resetForm } from '@/tests/helpers/posted-form';
import { renderToStaticMarkup } from 'react-dom/server';

// A tester walked the block notice → block page → SIP password reset → misdial request on emulated
// phones (es-MX, es-ES, a slow connection; 2026-12-07). What each fix here answers is named per test.

/** The attributes of the first `<tag …>` in `html` whose opening tag matches `match`. */
function tagWith(html: string, tag: string, match: RegExp = /./): Record<string, string> {
  const found = [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].find((m) => match.test(m[0]));
  if (!found) throw new Error(`no <${tag}> matching ${match}`);
  return Object.fromEntries(
    [...found[1].matchAll(/([\w:-]+)(?:="([^"]*)")?/g)].map((a) => [a[1], a[2] ?? '']),
  );
}

/** The attributes of the `<button …>name</button>` in `html`. */
function buttonNamed(html: string, name: string): Record<string, string> {
  const found = html.match(new RegExp(`<button\\b[^>]*>${name}</button>`));
  if (!found) throw new Error(`no button ${name}`);
  return tagWith(found[0], 'button');
}

afterEach(() => vi.unstubAllGlobals());

describe('Copy on a phone whose browser will not copy', () => {
  it('says whether the browser took the text; a refusal or a missing clipboard is false, never thrown', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    vi.stubGlobal('navigator', { clipboard: { writeText } });
    expect(await copyText('muela-empaste')).toBe(true);
    expect(writeText).toHaveBeenCalledWith('muela-empaste');
    // An in-app browser, an insecure context, a permission refused: the promise rejects.
    vi.stubGlobal('navigator', {
      clipboard: { writeText: vi.fn().mockRejectedValue(new DOMException('denied', 'NotAllowedError')) },
    });
    expect(await copyText('muela-empaste')).toBe(false);
    // Outside a secure context there is no navigator.clipboard at all.
    vi.stubGlobal('navigator', {});
    expect(await copyText('muela-empaste')).toBe(false);
  });

  it('selects the password for the reader to copy by hand', () => {
    const code = { id: 'new-password' };
    const range = { selectNodeContents: vi.fn() };
    const selection = { removeAllRanges: vi.fn(), addRange: vi.fn() };
    vi.stubGlobal('document', { createRange: () => range });
    vi.stubGlobal('window', { getSelection: () => selection });
    selectContents(code as unknown as Element);
    expect(range.selectNodeContents).toHaveBeenCalledWith(code);
    expect(selection.removeAllRanges).toHaveBeenCalled();
    expect(selection.addRange).toHaveBeenCalledWith(range);
  });

  it('has the words to say so, in both languages', () => {
    for (const m of [en, es]) {
      const messages = pickMessages(m, CREDENTIALS_CLIENT_NAMESPACES);
      expect(passwordWord(messages, 'copyFailed')).toMatch(/^(Could not copy|No se ha podido copiar)/);
      expect(passwordWord(messages, 'scriptPending')).not.toBe('');
    }
  });

  it('is disabled until the page’s script runs, and hidden where none runs', () => {
    const html = renderToStaticMarkup(
      h(CopyButton, { text: 'x', copy: 'Copy', copied: 'Copied', failed: 'no' }),
    );
    const button = tagWith(html, 'button');
    expect(button).toHaveProperty('disabled');
    expect(button.class).toContain('noscript:hidden');
    expect(html).toMatch(/<span aria-live="polite">Copy<\/span>/);
  });
});

describe('the SIP password form before its script runs (a slow phone: painted at 1.2 s, script at 5.6 s)', () => {
  it('Generate and Show are disabled, with the reason said to a screen reader, and still hidden without script', async () => {
    const html = await renderAnswered(resetForm);
    for (const name of ['Generate strong password', 'Show']) {
      const button = buttonNamed(html, name);
      expect(button, name).toHaveProperty('disabled');
      expect(button['aria-describedby'], name).toBe('reset-script-pending');
      expect(button.class, name).toMatch(/disabled:/);
    }
    expect(tagWith(html, 'fieldset').class).toContain('noscript:hidden');
    expect(html).toContain(`<span id="reset-script-pending" hidden="">${en.password.scriptPending}</span>`);
    // "Set password" posts without script: never disabled.
    expect(tagWith(html, 'button', /type="submit"/)).not.toHaveProperty('disabled');
  });

  it('the password field, shown as text, is not capitalised or corrected by the phone', async () => {
    const html = await renderAnswered(resetForm);
    expect(tagWith(html, 'input', /name="password"/)).toMatchObject({
      autoCapitalize: 'none',
      autoCorrect: 'off',
      spellCheck: 'false',
    });
  });

  it('the generated password’s legend sits inside the box, not on its border', async () => {
    const html = await renderAnswered(resetForm);
    expect(tagWith(html, 'legend').class).toMatch(/\bfloat-left\b.*\bw-full\b/);
  });

  it('the new password breaks only where its own hyphens allow, never between any two letters', async () => {
    const password = 'muela-empaste-ortodoncia-fluor';
    const html = renderToStaticMarkup(h(NewPassword, { password, id: 'new-password' }));
    const code = tagWith(html, 'code');
    expect(code.class).not.toContain('break-all');
    expect(code.class).toContain('[overflow-wrap:anywhere]');
    expect(code.class).not.toMatch(/hyphens-auto/);
    expect(html).toContain(`>${password}</code>`);
    // The success panel uses it, and its Copy selects it.
    const done = await renderAnswered<ResetAnswer>(resetForm, {
      ok: true,
      data: { liftQueued: false, password },
    });
    expect(tagWith(done, 'code', /data-testid="new-password"/)).toMatchObject({ id: 'new-password' });
    expect(tagWith(done, 'code').class).not.toContain('break-all');
  });
});

describe('fields where a secret, a code or an address is typed', () => {
  it('are left as typed: no capitalising, no correcting, no spell check', () => {
    const html = renderToStaticMarkup(
      h('div', null, [
        h(Field, { key: 1, name: 'email', label: 'Email', type: 'email' }),
        h(CurrentPasswordField, { key: 2, name: 'password', label: 'Password' }),
        h(Field, {
          key: 3,
          name: 'mailCode',
          label: 'Code',
          inputMode: 'numeric',
          autoComplete: 'one-time-code',
        }),
      ]),
    );
    for (const name of ['email', 'password', 'mailCode'])
      expect(tagWith(html, 'input', new RegExp(`name="${name}"`)), name).toMatchObject({
        autoCapitalize: 'none',
        autoCorrect: 'off',
        spellCheck: 'false',
      });
  });

  it('the second factor’s code field too; any other field keeps the phone’s help', async () => {
    const html = await renderHtml(
      inPage(
        h(CodeForm, { action: async () => ({ ok: true }), label: 'Authentication code', submit: 'Verify' }),
      ),
    );
    expect(tagWith(html, 'input', /name="code"/)).toMatchObject({
      autoCapitalize: 'none',
      autoCorrect: 'off',
    });
    expect(typedAsIs({ type: 'text' })).toBeUndefined();
    expect(typedAsIs({})).toBeUndefined();
    // A caller's own choice wins.
    const own = renderToStaticMarkup(h(Field, { name: 'e', label: 'E', type: 'email', spellCheck: true }));
    expect(tagWith(own, 'input')).toMatchObject({ spellCheck: 'true' });
  });
});

describe('the misdial form’s callback phone', () => {
  const form = (phone: string | null) =>
    renderHtml(
      inPage(
        h(MisdialForm, {
          blockId: 'b1',
          calls: [{ id: 'c1', label: 'A call' }],
          country: 'Mexico',
          example: '+52 55 1234 5678',
          slip: null,
          phone,
        }),
      ),
    );

  it('starts with the account’s number on file, still editable', async () => {
    const field = tagWith(await form('+52 55 1234 5678'), 'input', /name="callbackPhone"/);
    expect(field).toMatchObject({ value: '+52 55 1234 5678', type: 'tel' });
    expect(field).not.toHaveProperty('readOnly');
    expect(field).not.toHaveProperty('disabled');
  });

  it('starts empty when there is none', async () => {
    expect(tagWith(await form(null), 'input', /name="callbackPhone"/)).not.toHaveProperty('value');
  });
});
