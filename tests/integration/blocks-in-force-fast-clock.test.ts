import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { listBlocksInForce } from '@/lib/staff/blocks-in-force';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';

// A switch node whose clock runs fast (up to the 300 s the signature allows) places a block "4 minutes
// from now": the blocks in force list said "Placed 9:34 PM, 0 sec ago" at 9:30 (a tester, 2026-12-07).
// It shows the earlier of the switch's time and when the portal recorded it (lib/blocks/shown-placed-at.ts),
// and keeps ordering and paging by the stored placedAt.

describe.each(dialects())('the blocks in force of a fast switch clock on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('are shown placed when the portal recorded them, not ahead of it', async () => {
    const agent = await makeStaff();
    const { account } = await makeAccount();
    const recorded = new Date(Date.now() - 60_000);
    const ahead = new Date(recorded.getTime() + 240_000);
    const block = await makeBlock(account.id, { placedAt: ahead });
    await getDb().block.update({ where: { id: block.id }, data: { createdAt: recorded } });
    const { items } = await listBlocksInForce(agent, { order: 'newest' });
    const item = items.find((i) => i.id === block.id)!;
    expect(item.placedAt).toEqual(recorded);
    expect(item.ageSec).toBeGreaterThanOrEqual(59);
    expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).placedAt).toEqual(ahead);
  });
});
