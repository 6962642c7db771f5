import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { insertTriggerCalls } from '@/lib/blocks/event-sql';
import { blockCallsForUser, CALLS_PER_PAGE, CALLS_SHOWN, getBlockForUser } from '@/lib/blocks/queries';
import { queueMailToMembers } from '@/lib/mail/queue';
import { renderMessage } from '@/lib/mail/render';
import { MAX_MARKED_CALLS, submitMisdial } from '@/lib/requests/submit';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock } from '@/tests/helpers/factory';

// A signed switch event may list thousands of trigger calls that each name a new number (fewer than
// 7,500 are stored: lib/blocks/trigger-calls.ts). The block page, its misdial page and the block
// notice read a bounded number of them (the latest) and a summary of all (lib/blocks/call-overview.ts);
// /blocks/{id}/calls pages through every one (keyset on time and id).

// Thousands are possible (bench/big-block.ts measures the page at 7,400); 1,250 passes every bound here
// (50 listed, 100 a page, 200 on the misdial page, 10 in the mail) and keeps the file quick.
const CALLS = 1_250;
const NAMES = 15; // names that are not credentials of the account (trunks), besides its own 'zz-desk'
const IPS = 12;
const T0 = Date.parse('2026-11-30T08:00:00Z');

/** Call i: at T0 + ⌊i/3⌋ s (three calls share each second: the keyset's tie on time), a number of its own. */
const seed = (i: number) => ({
  at: new Date(T0 + Math.floor(i / 3) * 1000),
  sipUsername: i % 10 === 0 ? `trunk-${(i / 10) % NAMES}` : 'zz-desk',
  to: `+25261${String(1_000_000 + i).padStart(7, '0')}`,
  sourceIp: `198.51.100.${i % IPS}`,
  durationSec: i % 7,
});

describe.each(dialects())('a block with thousands of trigger calls, on %s', (dialect) => {
  let ctx: Awaited<ReturnType<typeof setUp>>;
  async function setUp() {
    const db = getDb();
    const { account, users } = await makeAccount({ credentials: ['zz-desk', 'aa-pbx'] });
    const block = await makeBlock(account.id, { placedAt: new Date(T0 + CALLS * 1000) });
    // Stored as the ingest stores them (lib/blocks/event-sql.ts: multi-row INSERTs in its transaction).
    await db.$transaction((tx) =>
      insertTriggerCalls(
        tx,
        block.id,
        Array.from({ length: CALLS }, (_, i) => seed(i)),
      ),
    );
    const ordered = await db.triggerCall.findMany({
      where: { blockId: block.id },
      orderBy: [{ at: 'asc' }, { id: 'asc' }],
      select: { id: true },
    });
    return { account, user: users[0]!, block, ids: ordered.map((c) => c.id) };
  }
  beforeAll(async () => {
    await useFreshDb(dialect);
    ctx = await setUp();
  });

  it('the block page reads the latest calls, how many there are, and a bounded summary of them all', async () => {
    const view = (await getBlockForUser(ctx.user.id, ctx.block.id))!;
    expect(view.calls.map((c) => c.id)).toEqual(ctx.ids.slice(-CALLS_SHOWN));
    expect(view.callCount).toBe(CALLS);
    expect(view.top.to).toMatchObject({ distinct: CALLS });
    expect(view.top.to.values).toHaveLength(10);
    expect(view.top.sipUsername.values[0]).toBe('zz-desk');
    expect(view.top.sipUsername.distinct).toBe(NAMES + 1);
    expect(view.top.sourceIp.distinct).toBe(IPS);
    expect(view.sourceIps).toHaveLength(IPS);
    // Every credential named is known, however far back: the lift policy asks for each to be changed.
    expect(view.credentials.map((c) => [c.username, c.named])).toEqual([
      ['aa-pbx', false],
      ['zz-desk', true],
    ]);
    expect(view.unknownNames).toHaveLength(10);
    expect(view.unknownNameCount).toBe(NAMES);
  });

  it('/blocks/{id}/calls pages through every call once, in order, both ways', async () => {
    const seen: string[] = [];
    let page = (await blockCallsForUser(ctx.user.id, ctx.block.id, null))!;
    expect(page).toMatchObject({ total: CALLS, from: 1, hasEarlier: false, hasLater: true });
    const pages = [page];
    for (;;) {
      expect(page.calls.length).toBeLessThanOrEqual(CALLS_PER_PAGE);
      expect(page.from).toBe(seen.length + 1);
      seen.push(...page.calls.map((c) => c.id));
      if (!page.hasLater) break;
      page = (await blockCallsForUser(ctx.user.id, ctx.block.id, { after: page.calls.at(-1)!.id }))!;
      pages.push(page);
    }
    expect(seen).toEqual(ctx.ids);
    expect(pages).toHaveLength(Math.ceil(CALLS / CALLS_PER_PAGE));
    // Back from the third page: the second.
    const back = (await blockCallsForUser(ctx.user.id, ctx.block.id, { before: pages[2]!.calls[0]!.id }))!;
    expect(back.calls.map((c) => c.id)).toEqual(pages[1]!.calls.map((c) => c.id));
    expect(back).toMatchObject({ from: CALLS_PER_PAGE + 1, hasEarlier: true, hasLater: true });
    // A cursor that is not a call of this block starts at the first call; a stranger gets nothing.
    const other = await makeAccount();
    const theirs = await makeBlock(other.account.id, { calls: [{ sipUsername: 'x' }] });
    const stray = (await blockCallsForUser(ctx.user.id, ctx.block.id, { after: theirs.calls[0]!.id }))!;
    expect(stray.calls[0]!.id).toBe(ctx.ids[0]);
    expect(await blockCallsForUser(other.users[0]!.id, ctx.block.id, null)).toBeNull();
  });

  it('the misdial page lists the latest calls a request may mark, and marking all of them files it', async () => {
    const view = (await getBlockForUser(ctx.user.id, ctx.block.id, MAX_MARKED_CALLS))!;
    expect(view.calls.map((c) => c.id)).toEqual(ctx.ids.slice(-MAX_MARKED_CALLS));
    const r = await submitMisdial(
      asCustomer(ctx.user),
      {
        blockId: ctx.block.id,
        'callIds[]': view.calls.map((c) => c.id),
        intendedNumber: '+1 252 611 2345',
        whatHappened: 'We typed 00252 instead of 1-252 for a supplier.',
        callbackPhone: '+1 202 555 0143',
      },
      { ip: '192.0.2.44', userAgent: 'vitest' },
    );
    expect(r.ok).toBe(true);
  });

  it('the block notice describes the latest ten calls and says how many there are in all', async () => {
    const db = getDb();
    await db.$transaction((tx) =>
      queueMailToMembers(tx, ctx.account.id, 'block_notice', { blockId: ctx.block.id }),
    );
    const row = await db.mailMessage.findFirstOrThrow({
      where: { to: ctx.user.email, template: 'block_notice' },
    });
    const rendered = await renderMessage(row, new Date());
    if (!rendered.ok) throw new Error('not rendered');
    const { text, html } = rendered.mail;
    expect(text).toContain('These 1,250 calls were made through your account:');
    expect(text).toContain('…and 1,240 more calls.');
    expect(text.match(/To \+252 61 /g)).toHaveLength(10);
    expect(text).toContain('and 5 other names');
    expect(text.length).toBeLessThan(10_000);
    expect(html.length).toBeLessThan(40_000);
  });
});
