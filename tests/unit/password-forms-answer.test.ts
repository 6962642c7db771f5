import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ChangePasswordForm } from '@/components/change-password-form';
import type { ResetAnswer } from '@/components/sip/reset-form';
import { CreateStaffForm, ResetFactorForm } from '@/components/staff/staff-user-forms';
import { createStaffAction, resetFactorAction } from '@/lib/staff/actions';
import type { FormAction } from '@/components/ui/action-form';
import { heardAtField, type Sent } from '@/components/ui/answer-at-field';
import { CodeForm } from '@/components/ui/code-form';
import { FormMessage } from '@/components/ui/form-message';
import { translator } from '@/lib/i18n/translate';
import type { ActionState } from '@/lib/server/safe-action';
import en from '@/messages/en.json';
import { renderAnswered, resetForm, RESET_KEY as KEY } from '@/tests/helpers/posted-form';

// The password forms without JavaScript, and every refusal heard (accessibility test, findings 2, 3
// and 5). A browser without JavaScript gets the server's render of the page; the SIP password reset and
// the profile's password change rendered their forms with `action="javascript:throw …"` (their actions
// were wrapped in closures made in the browser), so "Set password" sent nothing and said nothing.
// Rendered here as Next renders them: as the page opens, and as the answer to a plain POST.

const t = translator('en');
const NEXT_KEY = '0b7c9e1a-2f3d-4c5b-8a6e-7d8f9a0b1c2d';

/** The attributes of the first `<tag …>` in `html` whose attributes match `where`, in any order. */
function tagWith(html: string, tag: string, where: RegExp = /./): Record<string, string> {
  for (const m of html.matchAll(new RegExp(`<${tag}((?:\\s+[\\w:$-]+(?:="[^"]*")?)*)\\s*/?>`, 'g'))) {
    if (!where.test(m[1]!)) continue;
    return Object.fromEntries(
      [...m[1]!.matchAll(/([\w:$-]+)(?:="([^"]*)")?/g)].map((a) => [a[1]!, a[2] ?? '']),
    );
  }
  throw new Error(`no <${tag}> matching ${where} in ${html}`);
}

/** How many times `text` occurs in `html`. */
const count = (html: string, text: string) => html.split(text).length - 1;

describe('the SIP password form without JavaScript', () => {
  it('is a plain POST of its action, saying the page shows the new password, and what needs the script', async () => {
    const html = await renderAnswered(resetForm);
    expect(tagWith(html, 'form')).toMatchObject({ method: 'POST', encType: 'multipart/form-data' });
    expect(html).not.toContain('javascript:');
    expect(tagWith(html, 'input', /name="shownBy"/)).toMatchObject({ type: 'hidden', value: 'page' });
    expect(tagWith(html, 'input', /name="idempotencyKey"/)).toMatchObject({ value: KEY });
    // Generate, Show and the meter are hidden where no script runs (CSS `scripting: none`), and a
    // note, hidden where one runs, says the server checks the password when it is sent.
    expect(tagWith(html, 'fieldset').class).toContain('noscript:hidden');
    // (Disabled too until the script runs: tests/unit/phone-screen-forms.test.ts.)
    expect(html).toMatch(/<button type="button"[^>]* class="[^"]*noscript:hidden[^"]*">Show<\/button>/);
    expect(html).toMatch(/<div class="noscript:hidden"><div[^>]*>.*role="meter"/s);
    const note = html.indexOf(t('reset.noScript'));
    expect(note).toBeGreaterThan(0);
    expect(html.slice(0, note)).toMatch(/<p class="hidden [^"]*noscript:block[^"]*">$/);
  });

  it('answers a refusal with the reasons at the field and the field empty: never the password', async () => {
    const typed = 'Zr5-weak-acme-reception';
    const refused: ActionState<ResetAnswer> = {
      ok: false,
      message: t('outcome.password.weak'),
      fieldErrors: { password: ['Do not use the SIP username in the password.'] },
      values: { credentialId: 'cred-1' },
      nextKey: NEXT_KEY,
    };
    const html = await renderAnswered(resetForm, refused);
    expect(html).not.toContain(typed);
    expect(tagWith(html, 'input', /name="password"/)).toMatchObject({
      value: '',
      'aria-invalid': 'true',
      'aria-describedby': 'password-hint password-error',
    });
    expect(html).toContain('<p id="password-error" class="text-sm text-red-800">Do not use the SIP username');
    // The next post is a new change: the answer's key.
    expect(tagWith(html, 'input', /name="idempotencyKey"/)).toMatchObject({ value: NEXT_KEY });
  });

  it('answers a refusal the field does not hold (the switch said no) in the live region', async () => {
    const html = await renderAnswered<ResetAnswer>(resetForm, {
      ok: false,
      message: 'The switch refused the new password: nothing was changed.',
      values: { credentialId: 'cred-1' },
    });
    expect(html).toMatch(
      /<div id="reset-message" aria-live="polite" aria-atomic="true" class="min-h-6"><p [^>]*>The switch refused the new password: nothing was changed\.<\/p><\/div>/,
    );
  });

  it('answers a success with "Password updated" and the password the answer carries, shown once, the form gone', async () => {
    const password = 'Zr5-Kq8vT2mWx9bN4pLs7Yd';
    const html = await renderAnswered<ResetAnswer>(resetForm, {
      ok: true,
      message: t('reset.updated'),
      data: { liftQueued: true, password },
      nextKey: NEXT_KEY,
    });
    expect(count(html, password)).toBe(1);
    expect(html).toMatch(new RegExp(`<code [^>]*data-testid="new-password"[^>]*>${password}</code>`));
    expect(html).toMatch(/<p tabindex="-1"[^>]*>Password updated<\/p>/);
    expect(html).toContain(t('reset.liftQueued'));
    expect(html).not.toContain('<form');
    // Copy needs the script: hidden where none runs, where the password is selected by hand.
    expect(tagWith(html, 'button').class).toContain('noscript:hidden');
  });

  it('shows no password for a success that carries none (a resend the switch had already taken)', async () => {
    const html = await renderAnswered<ResetAnswer>(resetForm, {
      ok: true,
      message: 'The SIP password of acme-reception was set at 14:02, when this form was first sent.',
    });
    expect(html).not.toContain('data-testid="new-password"');
    expect(html).toContain('<form');
    expect(html).toContain('was set at 14:02');
  });
});

describe('the portal password form without JavaScript', () => {
  const form = (action: FormAction) =>
    h(ChangePasswordForm, { action, userInputs: ['dana@acme.example'], minScore: 3, idempotencyKey: KEY });

  it('is a plain POST of its action; the meter is hidden and a note says the server checks instead', async () => {
    const html = await renderAnswered(form);
    expect(tagWith(html, 'form')).toMatchObject({ method: 'POST', encType: 'multipart/form-data' });
    expect(html).not.toContain('javascript:');
    expect(html).toMatch(/<div class="noscript:hidden"><div[^>]*>.*role="meter"/s);
    const note = html.indexOf(`${t('profile.noScript')}</p>`);
    expect(note).toBeGreaterThan(0);
    expect(html.slice(0, note)).toMatch(/<p class="hidden [^"]*noscript:block[^"]*">$/);
  });

  it('answers a refusal with its reasons, and neither password back in the page', async () => {
    const html = await renderAnswered(form, {
      ok: false,
      message: t('outcome.password.weak'),
      fieldErrors: { next: ['Add another word or two. Uncommon words are better.'] },
      nextKey: NEXT_KEY,
    });
    expect(tagWith(html, 'input', /name="next"/)).toMatchObject({ value: '', 'aria-invalid': 'true' });
    expect(tagWith(html, 'input', /name="current"/)).not.toHaveProperty('value');
    expect(html).toContain('Add another word or two.');
    expect(html).toContain(`>${t('outcome.password.weak')}</p>`);
  });
});

describe('a first password of a staff login, shown once', () => {
  const password = 'ibWsQ7nTzK2pLm9xRv4c';

  it('replaces the form: its message takes the focus, then the labelled password and its Copy button', async () => {
    const message = `riley@tollgate.example can now sign in as agent. Give them this first password over a separate channel; they set up two-factor authentication on first sign-in.`;
    // The staff forms import their actions (lib/staff/actions.ts): those are the ones the form posts.
    const html = await renderAnswered(
      () => h(CreateStaffForm, { idempotencyKey: KEY }),
      { ok: true, message, data: { initialPassword: password } },
      createStaffAction as FormAction<{ initialPassword: string } | undefined>,
    );
    expect(html).not.toContain('<form');
    expect(count(html, password)).toBe(1);
    // In order: the focused message, the label, the password, its named Copy button, "Add another".
    const order = [
      `<p tabindex="-1" class="font-medium`,
      `${message}</p>`,
      `<span>${t('staff.users.initial')}</span>`,
      `data-testid="initial-password"`,
      `${password}</code>`,
      `${t('staff.users.copyPassword')}</span></button>`,
      `${t('staff.users.createAnother')}</button>`,
    ].map((part) => html.indexOf(part));
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
    expect(html).toMatch(/<div class="[^"]*" role="status">/);
  });

  it('does the same for a reset second factor', async () => {
    const html = await renderAnswered(
      () => h(ResetFactorForm, { userId: 'u1', email: 'sam@tollgate.example', idempotencyKey: KEY }),
      {
        ok: true,
        message: 'sam@tollgate.example: two-factor authentication reset and 1 session ended.',
        data: { initialPassword: password },
      },
      resetFactorAction as FormAction<{ initialPassword: string } | undefined>,
    );
    expect(html).not.toContain('<form');
    expect(count(html, password)).toBe(1);
    expect(html).toMatch(/<p tabindex="-1"[^>]*>sam@tollgate\.example: two-factor authentication reset/);
    expect(html).toContain(`<span>${t('staff.users.newPassword', { email: 'sam@tollgate.example' })}</span>`);
    expect(html).toContain('data-testid="reset-password-u1"');
  });
});

describe('a refusal at the field the focus was already on', () => {
  const wrong: ActionState = { ok: false, message: en.mfa.wrong, fieldErrors: { code: [en.mfa.wrong] } };
  // The second factor's form: the code field (index 0 of its controls) had the focus, Enter sent it.
  const fromField: Sent = { at: 0, names: ['code'], before: undefined };

  it('is said by the live region when the focus could not move to the field', () => {
    expect(heardAtField(fromField, wrong)).toBe(en.mfa.wrong);
    // Two refused fields, the focus on the first: its own errors.
    expect(
      heardAtField(
        { at: 0, names: ['mailCode', 'code'], before: undefined },
        {
          ok: false,
          fieldErrors: { mailCode: ['Enter the emailed code.'], code: ['Enter the code.', 'Six digits.'] },
        },
      ),
    ).toBe('Enter the emailed code.');
  });

  it('is left to the field when the focus moves there (from the button, another field, or a field it does not refuse)', () => {
    // The button (no control had the focus): SubmitButton moves the focus to the field, which is read.
    expect(heardAtField({ at: -1, names: ['code'], before: undefined }, wrong)).toBeUndefined();
    // The second field had it, the first is refused: the focus moves to the first.
    expect(
      heardAtField(
        { at: 1, names: ['mailCode', 'code'], before: undefined },
        { ok: false, fieldErrors: { mailCode: ['Enter the emailed code.'], code: ['Six digits.'] } },
      ),
    ).toBeUndefined();
    expect(
      heardAtField(
        { at: 0, names: ['note', 'reason'], before: undefined },
        { ok: false, fieldErrors: { reason: ['Why?'] } },
      ),
    ).toBeUndefined();
    // No sending yet, or no field refused.
    expect(heardAtField(null, wrong)).toBeUndefined();
    expect(heardAtField(fromField, { ok: false, message: 'The switch gave no answer.' })).toBeUndefined();
  });

  it('is said for its own answer only: not while the next sending waits, so the same words are read again', () => {
    // Sent again with the refusal still shown: until the new answer comes, nothing.
    expect(heardAtField({ at: 0, names: ['code'], before: wrong }, wrong)).toBeUndefined();
    expect(heardAtField({ at: 0, names: ['code'], before: wrong }, { ...wrong })).toBe(en.mfa.wrong);
  });

  it('goes in the live region for screen readers only, after the message or alone, never twice', () => {
    const region = (props: Parameters<typeof FormMessage>[0]) => renderToStaticMarkup(h(FormMessage, props));
    expect(region({ id: 'code-message', heard: en.mfa.wrong })).toBe(
      `<div id="code-message" aria-live="polite" aria-atomic="true" class="min-h-6"><p class="sr-only">${en.mfa.wrong.replaceAll("'", '&#x27;')}</p></div>`,
    );
    expect(
      region({ id: 'm', message: 'Please correct the highlighted fields.', heard: 'Enter a phone number.' }),
    ).toMatch(
      /<p class="[^"]*">Please correct the highlighted fields\.<span class="sr-only"> Enter a phone number\.<\/span><\/p>/,
    );
    expect(region({ id: 'm', message: 'Same words.', heard: 'Same words.' })).not.toContain('sr-only');
    expect(region({ id: 'm' })).toBe(
      '<div id="m" aria-live="polite" aria-atomic="true" class="min-h-6"></div>',
    );
  });

  it('leaves the code form’s region empty in the page itself: the error is at the field', async () => {
    const html = await renderAnswered(
      (action) => h(CodeForm, { action, label: 'Authentication code', submit: 'Verify' }),
      wrong,
    );
    expect(html).toContain(
      '<div id="code-message" aria-live="polite" aria-atomic="true" class="min-h-6"></div>',
    );
    expect(tagWith(html, 'input', /name="code"/)).toMatchObject({
      'aria-invalid': 'true',
      'aria-describedby': 'code-error',
    });
  });
});
