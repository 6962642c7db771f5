import fs from 'node:fs';
import path from 'node:path';
import { parse, TYPE, type MessageFormatElement } from '@formatjs/icu-messageformat-parser';
import { NextIntlClientProvider } from 'next-intl';
import postcss, { type AtRule, type Rule } from 'postcss';
import { createElement as h, Fragment, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { MisdialForm } from '@/components/block/misdial-form';
import { listOfNodes } from '@/components/block/explanation';
import { ContactText } from '@/components/devices/contact-text';
import { CredentialName } from '@/components/ui/credential-name';
import { DataTable } from '@/components/ui/data-table';
import { CATALOGUES, translator } from '@/lib/i18n/translate';

// A tester at 375 px (Spanish, a Mexican customer): each call of the misdial form read
// "…GMT-6: +252⏎61 123 4567 (Somalia) desde mx-⏎recepcion", the block page's summary "por acme-⏎pbx",
// and the calls table showed only "Hora" and "Credencial SIP", the number and destination off to the
// right with nothing to say the table scrolled. Numbers, SIP usernames and addresses are now kept on
// one line (the `unbroken` utility, app/globals.css), and the customer's tables stack into cards on
// a phone (DataTable `stack`) while staying tables for a screen reader and the e2e specs.

const unbroken = (chunks: ReactNode) => h('span', { className: 'unbroken' }, chunks);
const markup = (node: ReactNode) => renderToStaticMarkup(h(Fragment, null, node));

describe('a table that stacks on a phone (DataTable stack)', () => {
  const row = (id: string, cells: ReactNode[]) => h('tr', { key: id }, ...cells);
  const table = (stack: boolean) =>
    renderToStaticMarkup(
      h(DataTable, {
        caption: 'Calls that triggered the block',
        headers: ['Time', 'Dialled number', h('span', null, 'Destination')],
        stack,
        children: [
          row('a', [
            h('td', { key: 1 }, '09:14'),
            null,
            h('td', { key: 2, className: 'font-mono max-md:-order-1' }, '+252 61 123 4567'),
            h('td', { key: 3 }, 'Somalia'),
          ]),
        ],
      }),
    );

  it('labels each cell with its column header and gives every part its role', () => {
    const html = table(true);
    expect(html).toContain('<table role="table" class="w-full text-left text-sm table-stack">');
    expect(html).toContain('<thead role="rowgroup"><tr role="row"');
    expect(html).toContain('<th role="columnheader" scope="col" class="py-2 pr-3">Time</th>');
    expect(html).toMatch(/<tbody role="rowgroup" [^>]*><tr role="row">/);
    // The cells keep their own look; the label is the header of their column, skipping the null.
    expect(html).toContain('<td role="cell" data-label="Time">09:14</td>');
    expect(html).toContain(
      '<td class="font-mono max-md:-order-1" role="cell" data-label="Dialled number">+252 61 123 4567</td>',
    );
    // A header that is not plain text gives no label.
    expect(html).toContain('<td role="cell">Somalia</td>');
  });

  it('leaves a table that does not stack as it was (the staff tables)', () => {
    const html = table(false);
    expect(html).not.toMatch(/role="(table|rowgroup|row|columnheader|cell)"|data-label|table-stack/);
    expect(html).toContain('<td class="font-mono max-md:-order-1">+252 61 123 4567</td>');
  });
});

describe('the rules in app/globals.css', () => {
  const css = postcss.parse(fs.readFileSync(path.resolve('app/globals.css'), 'utf8'));
  const decls = (node: Rule | AtRule) =>
    Object.fromEntries((node.nodes ?? []).flatMap((d) => (d.type === 'decl' ? [[d.prop, d.value]] : [])));

  it('keep a number or a username whole, yet never wider than its line', () => {
    const utility = css.nodes.find((n): n is AtRule => n.type === 'atrule' && n.params === 'unbroken');
    expect(utility).toBeDefined();
    // An atomic inline box, not `nowrap`: a 128-character username still wraps inside itself
    // rather than push a phone's page sideways (break-25).
    expect(decls(utility!)).toEqual({ display: 'inline-block', 'max-width': '100%' });
  });

  it('stack a table below md only, hide its header row from the eye only, and label cells silently', () => {
    const media = css.nodes.find(
      (n): n is AtRule => n.type === 'atrule' && n.name === 'media' && n.toString().includes('.table-stack'),
    );
    expect(media?.params).toBe('(width < 48rem)');
    const rule = (selector: string) =>
      decls(media!.nodes!.find((n): n is Rule => n.type === 'rule' && n.selector === selector)!);
    // display: none would take the column headers out of the accessibility tree.
    expect(rule('.table-stack > thead')).toMatchObject({ position: 'absolute', 'clip-path': 'inset(50%)' });
    expect(rule('.table-stack > thead').display).toBeUndefined();
    // The label has empty alternative text: a screen reader hears the column header, not the label too.
    const label = media!.nodes!.find(
      (n): n is Rule => n.type === 'rule' && n.selector === '.table-stack > tbody > tr > td::before',
    )!;
    const contents = label.nodes.flatMap((d) => (d.type === 'decl' && d.prop === 'content' ? [d.value] : []));
    expect(contents).toEqual(['attr(data-label)', "attr(data-label) / ''"]);
  });
});

describe('numbers and usernames in the catalogue are marked to stay whole', () => {
  /** The arguments of `elements` outside any `<unbroken>` tag. */
  function loose(elements: MessageFormatElement[], out: string[] = []): string[] {
    for (const el of elements) {
      if (el.type === TYPE.argument) out.push(el.value);
      else if (el.type === TYPE.select || el.type === TYPE.plural)
        for (const o of Object.values(el.options)) loose(o.value, out);
      else if (el.type === TYPE.tag && el.value !== 'unbroken') loose(el.children, out);
    }
    return out;
  }
  /** The names of the tags in `elements`. */
  const tags = (elements: MessageFormatElement[], out: string[] = []): string[] => {
    for (const el of elements) {
      if (el.type === TYPE.tag) {
        out.push(el.value);
        tags(el.children, out);
      } else if (el.type === TYPE.select || el.type === TYPE.plural)
        for (const o of Object.values(el.options)) tags(o.value, out);
    }
    return out;
  };
  const message = (locale: 'en' | 'es', key: string) =>
    parse(
      key
        .split('.')
        .reduce<unknown>((m, k) => (m as Record<string, unknown>)[k], CATALOGUES[locale]) as string,
    );

  it.each(['en', 'es'] as const)('in %s, a number or name stands in an <unbroken> tag', (locale) => {
    const whole = ['number', 'credential', 'example', 'national', 'digits', 'idd', 'label'];
    for (const key of [
      'unblock.misdial.call',
      'unblock.misdial.callCountry',
      'unblock.misdial.intendedHint',
      'unblock.misdial.whatHappenedSlip',
      'block.explain.misdialSlip',
      'reset.enterOnDevice',
    ])
      expect(
        loose(message(locale, key)).filter((a) => whole.includes(a)),
        key,
      ).toEqual([]);
  });

  it.each(['en', 'es'] as const)('in %s, a list of names or a credential is rendered, not text', (locale) => {
    for (const key of ['calls', 'rotate', 'rotateOnly', 'rotateReview'])
      expect(tags(message(locale, `block.explain.${key}`)), key).toContain('credentials');
    expect(tags(message(locale, 'block.explain.trunk'))).toContain('names');
    expect(tags(message(locale, 'reset.confirmed'))).toContain('credential');
  });
});

describe('the block page’s summary keeps each name whole', () => {
  const whole = (name: string) => ({ text: name, shown: unbroken(name) });

  it('lists the usernames the calls went through, each whole, with the right conjunction', () => {
    // "e" before a word that starts with an "i" sound: the words themselves are formatted.
    const t = translator('es', 'es-MX');
    const html = markup(
      t.rich('block.explain.calls', {
        count: 4,
        countries: 'Somalia',
        credentials: () =>
          listOfNodes([whole('acme-pbx'), whole('mx-recepcion'), whole('ivr-troncal')], 'es-MX'),
        ips: '185.220.101.47 (Alemania)',
      }),
    );
    expect(html).toBe(
      '4 llamadas a Somalia se hicieron por <span class="unbroken">acme-pbx</span>, ' +
        '<span class="unbroken">mx-recepcion</span> e <span class="unbroken">ivr-troncal</span> ' +
        'desde 185.220.101.47 (Alemania).',
    );
  });

  it('names the credentials to change by label, the username in brackets kept whole', () => {
    const t = translator('en');
    const credential = (label: string, username: string) => ({
      text: `${label} (${username})`,
      shown: h(CredentialName, { credential: { label, username }, brackets: true, usernameClass: '' }),
    });
    const html = markup(
      t.rich('block.explain.rotateOnly', {
        count: 2,
        credentials: () => listOfNodes([credential('Office PBX', 'acme-pbx'), 'one other name'], 'en-US'),
      }),
    );
    expect(html).toBe(
      'Change the SIP passwords of Office PBX <span class="unbroken">(acme-pbx)</span> and one other name now.',
    );
  });

  it('keeps the dialled number of a slip whole', () => {
    const t = translator('en');
    const html = markup(
      t.rich('block.explain.misdialSlip', {
        national: '(212) 555-0123',
        idd: '011',
        digits: '2125550123',
        unbroken,
      }),
    );
    expect(html).toContain('number <span class="unbroken">(212) 555-0123</span> and dialled');
    expect(html).toContain('<span class="unbroken">011 2125550123</span> instead');
  });
});

describe('the misdial form', () => {
  const form = () =>
    renderToStaticMarkup(
      h(NextIntlClientProvider, {
        locale: 'es-MX',
        messages: CATALOGUES.es,
        timeZone: 'America/Mexico_City',
        children: h(MisdialForm, {
          blockId: 'b1',
          calls: [
            {
              id: 'c1',
              label: translator('es', 'es-MX').rich('unblock.misdial.callCountry', {
                at: '6 dic 2026, 1:43:32 a.m. GMT-6',
                number: '+252 61 123 4567',
                country: 'Somalia',
                credential: 'mx-recepcion',
                unbroken,
              }),
            },
          ],
          country: 'México',
          example: '+52 222 123 4567',
          slip: { idd: '00', digits: '4930123456', national: '493 012 3456' },
        }),
      }),
    );

  it('shows each call with its number and SIP username whole, in a label that may shrink', () => {
    expect(form()).toContain(
      '<span class="min-w-0">6 dic 2026, 1:43:32 a.m. GMT-6: <span class="unbroken">+252 61 123 4567</span>' +
        ' (Somalia) desde <span class="unbroken">mx-recepcion</span></span>',
    );
  });

  it('keeps the example and the slip’s numbers whole in the hints, brackets included', () => {
    const html = form();
    expect(html).toContain('En formato internacional <span class="unbroken">(+52 222 123 4567)</span> o tal');
    expect(html).toContain(
      'marcar el <span class="unbroken">493 012 3456</span> de un proveedor local y marcó <span class="unbroken">00 4930123456</span>.',
    );
  });
});

describe('a registration’s contact', () => {
  it('may break between its parts, never inside the username or the address', () => {
    expect(markup(h(ContactText, { contact: 'sip:acme-reception@185.220.101.47:5071;transport=tcp' }))).toBe(
      '<span class="unbroken">sip:acme-reception</span><span class="unbroken">@185.220.101.47</span>' +
        '<span class="unbroken">:5071</span><span class="unbroken">;transport=tcp</span>',
    );
    // An IPv6 host's colons are not its port.
    expect(markup(h(ContactText, { contact: 'sip:desk@[2001:db8::1]:5060' }))).toBe(
      '<span class="unbroken">sip:desk</span><span class="unbroken">@[2001:db8::1]</span>' +
        '<span class="unbroken">:5060</span>',
    );
  });
  it('shows a direction override whoever registered the device wrote as an escape, not reversing the rest', () => {
    expect(markup(h(ContactText, { contact: 'sip:desk\u202e1.2.3.4@198.51.100.7:5060' }))).toBe(
      '<span class="unbroken">sip:desk\\u202e1.2.3.4</span><span class="unbroken">@198.51.100.7</span>' +
        '<span class="unbroken">:5060</span>',
    );
  });
});
