import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { ActionForm } from '@/components/ui/action-form';
import {
  Checkbox,
  CurrentPasswordField,
  describedBy,
  Field,
  INPUT_MAX_LENGTH,
  TEXT_MAX_LENGTH,
} from '@/components/ui/field';
import { DataTable } from '@/components/ui/data-table';
import { ListOr } from '@/components/ui/list-or';
import { Section } from '@/components/ui/section';

// The shared form and page primitives render the names and ids the e2e specs and CONTRACTS §6 rely on.
const html = (el: Parameters<typeof renderToStaticMarkup>[0]) => renderToStaticMarkup(el);
/** The attributes of the first `<tag …>` in the markup, in any order. */
function attrs(markup: string, tag: string): Record<string, string> {
  const m = new RegExp(`<${tag}((?:\\s+[\\w:-]+="[^"]*")*)\\s*/?>`).exec(markup);
  if (!m) throw new Error(`no <${tag}> in ${markup}`);
  return Object.fromEntries([...m[1]!.matchAll(/([\w:-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!]));
}

describe('describedBy', () => {
  it('names the hint and the error that are shown, or nothing', () => {
    expect(describedBy('note')).toBeUndefined();
    expect(describedBy('note', 'A hint')).toBe('note-hint');
    expect(describedBy('note', undefined, ['Too short'])).toBe('note-error');
    expect(describedBy('note', 'A hint', ['Too short'])).toBe('note-hint note-error');
    expect(describedBy('note', 'A hint', [])).toBe('note-hint');
  });
});

/** The error line a control of id `id` shows under it (FieldError): what aria-describedby points at. */
const errorLine = (id: string, text: string) =>
  `<p id="${id}-error" class="text-sm text-red-800">${text}</p>`;

describe('Field', () => {
  it('ties an input to its label, hint and error', () => {
    const out = html(
      h(Field, { name: 'callbackPhone', label: 'Callback phone', hint: 'Digits', errors: ['Bad', 'number'] }),
    );
    expect(out).toContain('<label for="callbackPhone"');
    expect(attrs(out, 'input')).toMatchObject({
      id: 'callbackPhone',
      name: 'callbackPhone',
      'aria-invalid': 'true',
      'aria-describedby': 'callbackPhone-hint callbackPhone-error',
    });
    expect(out).toContain('<p id="callbackPhone-hint"');
    expect(out).toContain(errorLine('callbackPhone', 'Bad number'));
  });

  it('renders a textarea or a select, with its own id, and no error wiring without errors', () => {
    const area = html(h(Field, { as: 'textarea', id: 'place-note', name: 'note', label: 'Note' }));
    const ta = attrs(area, 'textarea');
    expect(ta).toMatchObject({ rows: '4', id: 'place-note', name: 'note' });
    expect(ta).not.toHaveProperty('aria-invalid');
    expect(ta).not.toHaveProperty('aria-describedby');
    const select = html(
      h(Field, {
        as: 'select',
        name: 'role',
        label: 'Role',
        defaultValue: 'admin',
        children: [
          h('option', { key: 'a', value: 'agent' }, 'Agent'),
          h('option', { key: 'b', value: 'admin' }, 'Admin'),
        ],
      }),
    );
    expect(attrs(select, 'select')).toMatchObject({ id: 'role', name: 'role' });
    expect(select).toContain('<option value="admin" selected="">Admin</option>');
  });

  // Server actions take a body of at most 64 KB (next.config.js); past it Next answers 500 and the
  // page shows the error boundary, the form's text lost. A customer pasting a PBX log into "What
  // happened?" got exactly that (break-15, finding 5). The browser now cuts a paste at the longest text
  // any action's schema takes, so the action answers with the field's own note instead.
  it('lets no text control take more than any action accepts', () => {
    expect(
      attrs(html(h(Field, { as: 'textarea', name: 'whatHappened', label: 'What happened?' })), 'textarea'),
    ).toMatchObject({ maxLength: String(TEXT_MAX_LENGTH) });
    expect(attrs(html(h(Field, { name: 'callbackPhone', label: 'Callback phone' })), 'input')).toMatchObject({
      maxLength: String(INPUT_MAX_LENGTH),
    });
    expect(
      attrs(html(h(CurrentPasswordField, { name: 'current', label: 'Password' })), 'input'),
    ).toMatchObject({ maxLength: String(INPUT_MAX_LENGTH) });
    // A form may ask for less (the SIP password: 128).
    expect(attrs(html(h(Field, { name: 'x', label: 'X', maxLength: 40 })), 'input')).toMatchObject({
      maxLength: '40',
    });
    // What the largest customer form can send stays far under the limit: 200 marked calls, three
    // inputs and one text area, every character 3 bytes in UTF-8.
    expect(200 * 64 + 3 * INPUT_MAX_LENGTH * 3 + TEXT_MAX_LENGTH * 3).toBeLessThan(64 * 1024);
  });

  it('adds a width to the control instead of replacing its classes', () => {
    const out = html(h(Field, { name: 'q', label: 'Search', className: 'w-80' }));
    // The shared classes first (never wider than the form, rounded, …), the caller's width last.
    expect(attrs(out, 'input').class).toMatch(/^max-w-full rounded-md .* w-80$/);
  });
});

describe('Checkbox', () => {
  it('keeps its error at `${id}-error` (e2e #attest-error) and marks the box invalid', () => {
    const out = html(
      h(Checkbox, { name: 'attest', label: 'I spoke with the account holder', errors: ['Tick it'] }),
    );
    expect(attrs(out, 'input')).toMatchObject({
      type: 'checkbox',
      name: 'attest',
      'aria-invalid': 'true',
      'aria-describedby': 'attest-error',
    });
    expect(out).toContain('<span>I spoke with the account holder</span>');
    expect(out).toContain(errorLine('attest', 'Tick it'));
  });
});

describe('ActionForm', () => {
  it('renders hidden inputs, the fields, the live region and the submit button in order', () => {
    const out = html(
      h(ActionForm, {
        action: async () => ({ ok: true }),
        hiddenFields: { blockId: 'b1' },
        messageId: 'misdial-message',
        submit: 'Request unblock',
        children: ({ field }: { field: (n: string) => object }) =>
          h(Field, { label: 'Note', ...field('note') } as never),
      }),
    );
    expect(attrs(out, 'form')).toHaveProperty('noValidate');
    const order = [
      '<input type="hidden" name="blockId" value="b1"/>',
      '<label for="note"',
      '<div id="misdial-message" aria-live="polite" aria-atomic="true" class="min-h-6"></div>',
      '<div><button type="submit"',
      'Request unblock</button></div></form>',
    ].map((part) => out.indexOf(part));
    expect(order.every((at) => at > 0)).toBe(true);
    expect(order).toEqual([...order].sort((x, y) => x - y));
  });

  it('puts the button before the message for one-button row forms', () => {
    const out = html(
      h(ActionForm, {
        action: async () => ({}),
        messageId: 'm',
        submit: 'Disable',
        submitName: 'Disable sam',
        buttonFirst: true,
      }),
    );
    expect(out).toMatch(
      /<button [^>]*aria-label="Disable sam"[^>]*>Disable<\/button><div id="m" aria-live="polite"/,
    );
  });
});

describe('Section and ListOr', () => {
  it('names a section by its heading', () => {
    expect(html(h(Section, { id: 'calls', title: 'Calls' }, 'x'))).toBe(
      '<section aria-labelledby="calls" class="flex flex-col gap-3"><h2 id="calls" class="text-xl font-semibold">Calls</h2>x</section>',
    );
  });

  it('lists items, or says there are none', () => {
    const items = [{ id: 'a' }, { id: 'b' }];
    expect(html(h(ListOr<{ id: string }>, { items, empty: 'None', children: (i) => i.id }))).toBe(
      '<ul><li>a</li><li>b</li></ul>',
    );
    expect(
      html(
        h(ListOr<{ id: string }>, {
          items: [],
          empty: 'None',
          emptyClassName: 'text-sm',
          children: (i) => i.id,
        }),
      ),
    ).toBe('<p class="text-sm">None</p>');
  });
});

describe('DataTable', () => {
  it('scrolls in a box the keyboard reaches, named by the table’s caption', () => {
    const row = h('tr', null, h('td', null, 'acme-pbx'));
    const out = html(
      h(DataTable, { caption: 'SIP credentials of Acme', headers: ['SIP username'], children: row }),
    );
    const box = attrs(out, 'div');
    expect(box).toMatchObject({ role: 'region', tabindex: '0', class: 'overflow-x-auto' });
    expect(box['aria-labelledby']).toBeTruthy();
    expect(attrs(out, 'caption')).toMatchObject({ id: box['aria-labelledby'], class: 'sr-only' });
    expect(out).toContain('>SIP credentials of Acme</caption>');
  });
});
