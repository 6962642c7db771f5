import { beforeAll, describe, expect, it, vi } from 'vitest';
import { TAKE_NEXT_TRIES, takeNextRequest } from '@/lib/requests/take-next';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// Every try of "Take next request" losing its race while requests still wait (more agents pressing
// at once than TAKE_NEXT_TRIES: each round one wins): the answer is "others got there first, press
// again", not "none is free", which would be untrue (review, 2026-12-07). The take is replaced at
// the edge by one that always loses (another agent took it between the lookup and the take).

const take = vi.hoisted(() => ({ calls: 0 }));
vi.mock('@/lib/requests/claim', async (original) => ({
  ...(await original<typeof import('@/lib/requests/claim')>()),
  takeRequest: async () => {
    take.calls++;
    return { ok: false, code: 'conflict', note: { key: 'outcome.claim.takenBy', values: { by: 'x' } } };
  },
}));

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

describe.each(dialects())('"Take next request" losing every race on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  it('says others got there first while requests wait, and that none is free once none does', async () => {
    const db = getDb();
    const agent = await makeStaff();
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
    await makeRequest(block, users[0].id);
    take.calls = 0;
    expect(await takeNextRequest(agent, { kind: 'misdial' }, meta)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'staff.desk.takeNextRaced' },
    });
    expect(take.calls).toBe(TAKE_NEXT_TRIES);
    await db.unblockRequest.updateMany({ where: { status: 'pending' }, data: { status: 'denied' } });
    await db.destinationAllowance.updateMany({ where: { status: 'requested' }, data: { status: 'denied' } });
    take.calls = 0;
    expect(await takeNextRequest(agent, { kind: 'misdial' }, meta)).toEqual({
      ok: false,
      code: 'conflict',
      note: { key: 'staff.desk.noneFree' },
    });
    expect(take.calls).toBe(0);
  });
});
