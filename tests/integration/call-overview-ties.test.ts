import { beforeEach, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { callOverview } from '@/lib/blocks/call-overview';
import { insertTriggerCalls } from '@/lib/blocks/event-sql';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock } from '@/tests/helpers/factory';

// A block's most-called numbers, names and addresses, ties broken by the earliest call: the misdial
// hint names the top number (lib/requests/dialling.ts prefixSlip), and a tester's Mexican block from
// "00 33 1234 5678" then "00 33 1234 5267" (once each) named the second, which sorted first by value.
const T0 = Date.parse('2026-12-06T09:00:00Z');
const call = (s: number, to: string, sipUsername: string, sourceIp: string) => ({
  at: new Date(T0 + s * 1000),
  to,
  sipUsername,
  sourceIp,
  durationSec: 1,
});

describe.each(dialects())('callOverview ties, on %s', (dialect) => {
  beforeEach(() => useFreshDb(dialect));

  async function blockWith(calls: ReturnType<typeof call>[]) {
    const { account } = await makeAccount({ credentials: ['zz-desk', 'aa-pbx'] });
    const block = await makeBlock(account.id, { placedAt: new Date(T0 + 3600_000) });
    await getDb().$transaction((tx) => insertTriggerCalls(tx, block.id, calls));
    return block;
  }
  // Called first but greater by value: 5678 > 5267, zz > aa, .9 > .1.
  const calls = [
    call(0, '+33123455678', 'zz-desk', '198.51.100.9'),
    call(1, '+33123455267', 'aa-pbx', '198.51.100.1'),
  ];

  it('from the calls read (a small block): the first call’s values come first', async () => {
    const block = await blockWith(calls);
    const o = await callOverview(block.id, ['zz-desk', 'aa-pbx'], 50);
    expect(o.top.to.values).toEqual(['+33123455678', '+33123455267']);
    expect(o.top.sipUsername.values).toEqual(['zz-desk', 'aa-pbx']);
    expect(o.top.sourceIp.values).toEqual(['198.51.100.9', '198.51.100.1']);
  });

  it('from GROUP BY (a block larger than the calls shown): the same order', async () => {
    const block = await blockWith([...calls, call(2, '+33123450000', 'trunk-1', '198.51.100.5')]);
    const o = await callOverview(block.id, ['zz-desk', 'aa-pbx'], 2);
    expect(o.top.to.values.slice(0, 2)).toEqual(['+33123455678', '+33123455267']);
    expect(o.top.sipUsername.values.slice(0, 2)).toEqual(['zz-desk', 'aa-pbx']);
    expect(o.top.sourceIp.values.slice(0, 2)).toEqual(['198.51.100.9', '198.51.100.1']);
  });

  it('more calls still win over an earlier first call', async () => {
    const block = await blockWith([...calls, call(5, '+33123455267', 'aa-pbx', '198.51.100.1')]);
    for (const shown of [50, 2]) {
      const o = await callOverview(block.id, ['zz-desk', 'aa-pbx'], shown);
      expect(o.top.to.values[0]).toBe('+33123455267');
    }
  });
});
