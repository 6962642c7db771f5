import { NextIntlClientProvider } from 'next-intl';
import { createElement as h } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { OpenBlocks } from '@/components/block/open-blocks';
import type { OpenBlockList } from '@/lib/blocks/queries';
import { CATALOGUES } from '@/lib/i18n/translate';

// A fraud wave left 13 blocks in force on one account, and the block page linked only the newest
// other block: the older ones could not be reached. The block page now lists the others
// (components/block/open-blocks.tsx), a page at a time, each linking its own block page.

const at = (minute: number) => new Date(Date.UTC(2026, 10, 20, 12, minute, 7));
const list = (over: Partial<OpenBlockList> = {}): OpenBlockList => ({
  items: [
    {
      id: 'blk11',
      reason: 'hotspot_source_ip',
      status: 'active',
      placedAt: at(11),
      createdAt: at(11),
      calls: 2,
    },
    {
      id: 'blk10',
      reason: 'high_risk_destination',
      status: 'lift_pending',
      placedAt: at(10),
      createdAt: at(10),
      calls: 1,
    },
    { id: 'blk9', reason: 'manual', status: 'active', placedAt: at(9), createdAt: at(9), calls: 0 },
  ],
  total: 3,
  from: 1,
  more: 0,
  ...over,
});
const render = (l: OpenBlockList, locale: 'en' | 'es' = 'en') =>
  renderToStaticMarkup(
    h(NextIntlClientProvider, {
      locale,
      messages: CATALOGUES[locale],
      timeZone: 'UTC',
      children: h(OpenBlocks, { list: l, base: '/blocks/blk12' }),
    }),
  );
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('the block page’s list of the account’s other open blocks', () => {
  it('is a region named by its heading, a list of links to each block’s page, newest first', () => {
    const html = render(list());
    expect(html).toMatch(
      /^<section aria-labelledby="open-blocks"[^>]*><h2 id="open-blocks"[^>]*>Other blocks in force on this account<\/h2>/,
    );
    expect(html).toContain('<ul aria-labelledby="open-blocks"');
    expect([...html.matchAll(/<a [^>]*href="([^"]+)"/g)].map((m) => m[1])).toEqual([
      '/blocks/blk11',
      '/blocks/blk10',
      '/blocks/blk9',
    ]);
    // Each link is described by its block's status and calls, which are on the page under that id.
    for (const id of ['blk11', 'blk10', 'blk9']) {
      expect(html).toContain(`aria-describedby="open-${id}"`);
      expect(html).toContain(`id="open-${id}"`);
    }
    expect(text(html)).toContain(
      'Newest first. Each one has its own calls and SIP credentials: open it to see what to do.',
    );
  });

  it('says when each was placed, to the second, its status and calls, and its reason in the customer’s words', () => {
    const words = text(render(list()));
    expect(words).toContain('Block placed Nov 20, 2026, 12:11:07 PM GMT+0 In force · 2 calls');
    expect(words).toContain('Calls came from an internet address in a known fraud hotspot.');
    expect(words).toContain(
      'Block placed Nov 20, 2026, 12:10:07 PM GMT+0 Being lifted: waiting for our phone system to confirm · 1 call',
    );
    expect(words).toContain('In force · no calls reported Our support team blocked international calling');
    // No pager with everything listed.
    expect(words).not.toMatch(/older|newest blocks/);
    expect(render(list())).not.toContain('<nav');
  });

  it('says how many older ones are not listed and links the next page; a later page links back', () => {
    const first = render(list({ total: 12, more: 9 }));
    expect(text(first)).toContain('Blocks 1–3 of 12, newest first.');
    expect(text(first)).toContain('9 older blocks are not listed here. See the older blocks');
    expect(first).toContain('<nav aria-label="Pages of other blocks"');
    expect(first).toContain('href="/blocks/blk12?others=blk9#open-blocks"');
    expect(first).not.toContain('href="/blocks/blk12#open-blocks"');

    const last = render(list({ total: 12, from: 10, more: 0 }));
    expect(text(last)).toContain('Blocks 10–12 of 12, newest first.');
    expect(last).toContain('href="/blocks/blk12#open-blocks"');
    expect(text(last)).toContain('See the newest blocks');
    expect(last).not.toContain('?others=');
    expect(text(render(list({ total: 1, more: 1 }), 'en'))).toContain('1 older block is not listed here.');
  });

  it('reads the same in Spanish', () => {
    const es = render(list({ total: 12, more: 9 }), 'es');
    const words = text(es);
    expect(es).toContain(
      '<h2 id="open-blocks" class="text-xl font-semibold">Otros bloqueos vigentes en esta cuenta</h2>',
    );
    expect(words).toContain('Bloqueos 1–3 de 12, del más reciente al más antiguo.');
    expect(words).toContain('Bloqueo aplicado el 20 nov 2026, 12:11:07 GMT+0 Vigente · 2 llamadas');
    expect(words).toContain(
      'Levantando el bloqueo: a la espera de que nuestra central lo confirme · 1 llamada',
    );
    expect(words).toContain('Vigente · ninguna llamada comunicada');
    expect(words).toContain(
      'Hay 9 bloqueos más antiguos que no aparecen aquí. Ver los bloqueos más antiguos',
    );
    expect(es).toContain('<nav aria-label="Páginas de otros bloqueos"');
  });

  it('renders nothing for an empty list', () => {
    expect(render(list({ items: [], total: 0 }))).toBe('');
  });
});
