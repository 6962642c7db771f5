import { createElement as h, type ReactNode } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { NextIntlClientProvider } from 'next-intl';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExplanationText } from '@/components/block/explanation';
import { getBlockForUser } from '@/lib/blocks/queries';
import { CATALOGUES } from '@/lib/i18n/translate';
import { blockNotice } from '@/lib/mail/templates/block-notice';
import { mailTranslator } from '@/lib/mail/templates/context';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// A tester sent a block of 1,500 calls, each to another Somali number (an IRSF range: one number a
// call). The page read "1.500 llamadas a Somalia y 1.490 números más salieron por…", as if 1,490 had
// gone elsewhere: the page named the countries of the 10 numbers most called and counted the rest as
// "other numbers". Now every destination is named (lib/blocks/destinations.ts), the first eight
// and "N other destinations" past them (a calling code such as +882 is no country).

type Locale = 'en' | 'es';
const words = (html: string) =>
  html
    .replace(/<[^>]+>/g, '')
    .replace(/&#x27;/g, "'")
    .replace(/\s+/g, ' ')
    .trim();
const render = (node: ReactNode, locale: Locale) =>
  words(
    renderToStaticMarkup(
      h(NextIntlClientProvider, { locale, messages: CATALOGUES[locale], timeZone: 'UTC', children: node }),
    ),
  );

/** `n` Somali numbers, one call each, and `extra` calls to other countries. */
const somali = (n: number) =>
  Array.from({ length: n }, (_, i) => ({ sipUsername: 'x', to: `+25261${String(1000000 + i).slice(1)}` }));
const ELSEWHERE = [
  '+12125550123', // United States
  '+442079460000', // United Kingdom
  '+5355512345', // Cuba
  '+8823710011', // international networks
  '+2399912345', // São Tomé
  '+37322123456', // Moldova
  '+22912345678', // Benin
  '+67570123456', // Papua New Guinea
  '+96771234567', // Yemen
];

async function blockWith(calls: { sipUsername: string; to: string }[]) {
  const { account, users, creds } = await makeAccount();
  const block = await makeBlock(account.id, {
    calls: calls.map((c) => ({ ...c, sipUsername: creds[0]!.username })),
  });
  const view = (await getBlockForUser(users[0]!.id, block.id))!;
  return { view, users, creds };
}

const mailOf = (view: NonNullable<Awaited<ReturnType<typeof getBlockForUser>>>, locale: Locale) =>
  blockNotice(
    {
      recipient: { email: 'x@example.com', name: null },
      account: view.account,
      block: { id: view.id, reason: view.reason, placedAt: view.placedAt },
      calls: view.calls,
      callCount: view.callCount,
      summary: { to: view.top.to, named: [], unknownNames: { values: [], distinct: 0 } },
      destinations: view.destinations,
      credentials: [],
      link: null,
    },
    {
      t: mailTranslator(locale),
      locale,
      provider: null,
      support: 'help@voice.example',
      timeZone: 'UTC',
      appUrl: 'https://p.example',
    },
  );

describe.each(dialects())('where a block’s calls went, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('1,500 calls to 1,500 Somali numbers read as calls to Somalia, on the page and in the notice', async () => {
    const { view } = await blockWith(somali(1500));
    expect(view.top.to.distinct).toBe(1500);
    expect(view.destinations).toEqual({ numbers: [expect.stringMatching(/^\+252/)], unreadable: 0 });
    const en = render(h(ExplanationText, { block: view, needsPerson: false }), 'en');
    expect(en).toContain('1,500 calls to Somalia were made through');
    expect(en).not.toMatch(/other numbers?/);
    const es = render(h(ExplanationText, { block: view, needsPerson: false }), 'es');
    expect(es).toMatch(/1\.?500 llamadas a Somalia se hicieron por/);
    expect(es).not.toContain('números más');
    for (const locale of ['en', 'es'] as const)
      expect(mailOf(view, locale).text).not.toMatch(/other numbers|números más/);
  });

  it('names every country the calls went to, past the numbers most called, eight and then a count', async () => {
    // 300 calls to Somalia make the ten numbers most called all Somali; the others come once each.
    const calls = [...somali(300), ...somali(300), ...ELSEWHERE.map((to) => ({ sipUsername: 'x', to }))];
    const { view } = await blockWith(calls);
    expect(view.destinations.numbers).toHaveLength(10);
    expect(view.destinations.numbers[0]).toMatch(/^\+252/);
    const en = render(h(ExplanationText, { block: view, needsPerson: false }), 'en');
    expect(en).toContain('Somalia');
    expect(en).toContain('and 2 other destinations');
    const mail = mailOf(view, 'en').text;
    expect(mail).toContain('2 other destinations');
  });

  it('ranks destinations by their calls, not by each number’s: Somalia first, named, of 300 numbers', async () => {
    // The tester's block: ten numbers elsewhere called once each, first, then 300 Somali numbers
    // called once each. Each number is called once, so only the calls per destination tell them apart.
    const calls = [...ELSEWHERE.map((to) => ({ sipUsername: 'x', to })), ...somali(300)];
    const { view } = await blockWith(calls);
    expect(view.destinations.numbers[0]).toMatch(/^\+252/);
    const en = render(h(ExplanationText, { block: view, needsPerson: false }), 'en');
    expect(en).toMatch(/309 calls to Somalia, /);
    expect(en).toContain('and 2 other destinations');
    expect(mailOf(view, 'en').text).toContain('Somalia');
  });

  it('ranks a small block’s destinations by their calls too, as a large one’s', async () => {
    // One Somali number called three times, first; then three Cuban numbers called twice each: six
    // calls to Cuba. A small block (every number among the ten most called) was named in the order
    // of its numbers, Somalia first; the calls per destination now decide, as for a large block.
    const cuban = ['+5355512345', '+5355512346', '+5355512347'];
    const calls = [
      ...Array.from({ length: 3 }, () => ({ sipUsername: 'x', to: '+252611234567' })),
      ...cuban.flatMap((to) => [
        { sipUsername: 'x', to },
        { sipUsername: 'x', to },
      ]),
    ];
    const { view } = await blockWith(calls);
    expect(view.top.to.distinct).toBeLessThanOrEqual(view.top.to.values.length);
    expect(view.destinations.numbers).toHaveLength(2);
    expect(view.destinations.numbers[0]).toMatch(/^\+53/);
    const en = render(h(ExplanationText, { block: view, needsPerson: false }), 'en');
    expect(en).toMatch(/9 calls to Cuba and Somalia/);
    expect(mailOf(view, 'en').text).toMatch(/Cuba and Somalia/);
  });

  it('reads a large block’s numbers once per process, again when calls are added', async () => {
    const { view, users, creds } = await blockWith([...somali(20), { sipUsername: 'x', to: ELSEWHERE[0]! }]);
    expect(view.destinations.numbers).toHaveLength(2);
    // Calls are never changed: were they read again, this one (now Somali, the count of numbers the
    // same) would take the United States away. The answer kept says two destinations.
    await getDb().triggerCall.updateMany({
      where: { blockId: view.id, to: ELSEWHERE[0]! },
      data: { to: '+252619999999' },
    });
    const again = (await getBlockForUser(users[0]!.id, view.id))!;
    expect(again.destinations.numbers).toHaveLength(2);
    // Calls added to the block (the reconciler's block taking the switch's calls: lib/blocks/
    // lifecycle.ts attachToFound) make another count of numbers, and are read.
    await getDb().triggerCall.create({
      data: {
        blockId: view.id,
        at: new Date(),
        sipUsername: creds[0]!.username,
        to: ELSEWHERE[2]!,
        sourceIp: '203.0.113.9',
        durationSec: 0,
      },
    });
    const added = (await getBlockForUser(users[0]!.id, view.id))!;
    expect(added.destinations.numbers).toHaveLength(2); // Somalia and Cuba: the US call is Somali now
    expect(added.destinations.numbers.some((n) => n.startsWith('+53'))).toBe(true);
  });
});
