import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { Timeline } from '@/components/block/timeline';
import { AccountBlocks } from '@/components/staff/account-blocks';
import { getBlockForUser } from '@/lib/blocks/queries';
import { inShownOrder, shownTimeline } from '@/lib/blocks/timeline-order';
import { getRequestForStaff } from '@/lib/requests/detail';
import { getAccountForStaff } from '@/lib/staff/account-detail';
import { blockHistoryForUser } from '@/lib/accounts/block-history';
import { shownPlacedAt } from '@/lib/blocks/shown-placed-at';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// B3 (2026-12): a switch node whose clock ran 4 minutes fast placed a block "08:04" that the portal
// recorded at 08:00. The block page showed it placed at 08:00, yet its timeline could read "Block
// notice queued for email" above "Block placed" (the notice row dated by the process's clock, a few
// milliseconds behind the database's that dated the block), the switch's event with the calls of a
// block the reconciler found first read 08:04, below the notice it released, and the staff request
// page showed all of it at the switch's times. The staff account card showed such a block placed at
// the time of rendering: its read carried no createdAt.

const at = (hms: string) => new Date(`2026-12-07T${hms}Z`);

/** The entries as the timeline shows them: heading and time (minute), in order. */
const shown = (events: Parameters<typeof Timeline>[0]['events'], audience: 'customer' | 'staff') =>
  [...render(h(Timeline, { events, audience })).matchAll(/<li>(.*?)<\/li>/g)].map((m) =>
    text(m[1]!).trim().replace(/ ·.*$/, ''),
  );

describe.each(dialects())('a block placed by a switch whose clock runs fast, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  /**
   * A block the reconciler found (placed 08:04 on the switch's clock, recorded 08:00:00), its notice
   * held and queued 2 ms before the record on the process's clock, the switch's event with its
   * calls (08:04:00.400 on its clock) releasing the notice at 08:00:05, the notice sent at 08:01, a
   * password changed at 08:00:30.
   */
  async function fastBlock() {
    const db = getDb();
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { placedAt: at('08:04:00'), createdAt: at('08:00:00') });
    await db.blockEvent.createMany({
      data: [
        { blockId: block.id, type: 'placed', at: at('08:04:00'), actor: 'switch' },
        { blockId: block.id, type: 'notice_queued', at: at('07:59:59.998'), actor: 'tollgate' },
        { blockId: block.id, type: 'notice_queued', at: at('08:00:05'), actor: 'tollgate' },
        { blockId: block.id, type: 'placed', at: at('08:04:00.400'), actor: 'switch' },
        { blockId: block.id, type: 'password_reset', at: at('08:00:30'), actor: 'tollgate' },
        { blockId: block.id, type: 'notice_sent', at: at('08:01:00'), actor: 'tollgate' },
      ],
    });
    return { block, users };
  }

  const ORDER = [
    ['placed', at('08:00:00')],
    ['placed', at('08:00:00')], // the switch's calls for it: the same placement
    ['notice_queued', at('08:00:00')], // 2 ms behind on the process's clock: not before the block
    ['notice_queued', at('08:00:05')],
    ['password_reset', at('08:00:30')],
    ['notice_sent', at('08:01:00')],
  ];

  it('orders the customer’s timeline by the times it shows, the block placed first', async () => {
    const { block, users } = await fastBlock();
    const read = (await getBlockForUser(users[0]!.id, block.id))!;
    expect(read.events.map((e) => [e.type, e.at])).toEqual(ORDER);
    expect(read.events[1]!.id).not.toBe(read.events[0]!.id);
    const lines = shown(read.events, 'customer');
    expect(lines[0]).toBe('Block placed by fraud monitoring Dec 7, 2026, 8:00 AM GMT+0');
    // The notice's steps through the mail queue are staff's (lib/blocks/timeline-title.ts
    // shownToCustomer): the customer reads the notice once it was emailed.
    expect(lines.slice(2)).toEqual([
      'SIP password changed Dec 7, 2026, 8:00 AM GMT+0',
      'We emailed the block notice Dec 7, 2026, 8:01 AM GMT+0',
    ]);
    expect(lines.join('\n')).not.toContain('8:04');
  });

  it('orders the staff request page’s timeline the same way, and dates its block line by it', async () => {
    const { block, users } = await fastBlock();
    const request = await makeRequest(block, users[0]!.id);
    const page = (await getRequestForStaff(await makeStaff(), request.id))!;
    expect(page.block.events.map((e) => [e.type, e.at])).toEqual(ORDER);
    expect(page.block.createdAt).toEqual(at('08:00:00'));
    // Staff read who did each thing; the switch's time is kept for the domain.
    expect(page.block.placedAt).toEqual(at('08:04:00'));
    const staffLines = shown(page.block.events, 'staff');
    expect(staffLines[2]).toBe('Block notice queued for email Dec 7, 2026, 8:00 AM GMT+0');
    expect(staffLines.join('\n')).not.toContain('8:04');
  });

  it('the staff account card shows the block placed when the portal recorded it, not at render time', async () => {
    const { account } = await makeAccount();
    // Recorded a minute ago; the switch dated it 4 minutes from now.
    const recorded = new Date(Date.now() - 60_000);
    const block = await makeBlock(account.id, {
      placedAt: new Date(recorded.getTime() + 300_000),
      createdAt: recorded,
    });
    const view = (await getAccountForStaff(await makeStaff(), account.number))!;
    expect(view.blocks.find((b) => b.id === block.id)?.createdAt).toEqual(recorded);
    const html = render(h(AccountBlocks, { account: view, holds: new Map() }));
    const heading = /<h3 id="block-[^"]+"[^>]*>(.*?)<\/h3>/.exec(html)![1]!;
    expect(heading).toContain(`dateTime="${recorded.toISOString()}"`);
  });

  it('the customer’s block history carries when the portal recorded each block (read back on both databases)', async () => {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { placedAt: at('08:04:00'), createdAt: at('08:00:00') });
    const item = (await blockHistoryForUser(users[0]!.id, account.number)).items.find(
      (b) => b.id === block.id,
    )!;
    expect(item.createdAt).toEqual(at('08:00:00'));
    expect(shownPlacedAt(item)).toEqual(at('08:00:00'));
  });
});

describe('shownTimeline', () => {
  const entry = (id: string, type: 'placed' | 'notice_queued' | 'lifted' | 'suspect_found', hms: string) => ({
    id,
    type,
    title: type,
    at: at(hms),
  });

  it('keeps a block of a switch on time as it was, in time order', () => {
    const events = [
      entry('p', 'placed', '08:00:00'),
      entry('n', 'notice_queued', '08:00:01'),
      entry('l', 'lifted', '09:00:00'),
    ];
    const out = shownTimeline(events, { placedAt: at('08:00:00'), createdAt: at('08:00:01') });
    expect(out).toEqual(events);
  });

  it('puts the placement before its notice when both are shown at the same instant', () => {
    // Read order (by stored time): the notice first.
    const events = [entry('n', 'notice_queued', '08:00:00'), entry('p', 'placed', '08:03:00')];
    const out = shownTimeline(events, { placedAt: at('08:03:00'), createdAt: at('08:00:00') });
    expect(out.map((e) => [e.id, e.at])).toEqual([
      ['p', at('08:00:00')],
      ['n', at('08:00:00')],
    ]);
  });

  it('adds a live read’s entry after those shown at the same instant before it (withLiveRead)', () => {
    const ordered = [
      entry('p', 'placed', '08:00:00'),
      entry('c', 'placed', '08:00:00'),
      entry('n', 'notice_queued', '08:00:00'),
    ];
    const out = inShownOrder([
      ...ordered,
      entry('s', 'suspect_found', '08:00:00'),
      entry('l', 'lifted', '07:59:00'),
    ]);
    expect(out.map((e) => e.id)).toEqual(['l', 'p', 'c', 'n', 's']);
    expect(inShownOrder([entry('s', 'suspect_found', '08:00:00'), ...ordered]).map((e) => e.id)).toEqual([
      'p',
      'c',
      'n',
      's',
    ]);
  });
});
