import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { releaseAllowance, takeAllowance } from '@/lib/allowances/claim';
import { oldestAllowanceNotTaken, pendingAllowanceRequests } from '@/lib/allowances/queries';
import { getDb } from '@/lib/server/db';
import { readCursor, timeIdKey } from '@/lib/staff/cursor';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeStaff } from '@/tests/helpers/factory';

// The allowance desk (`/staff?kind=allowance`): since agents can take destination-allowance requests
// (lib/allowances/claim.ts), the queue's "Taken" filter and "Next request" cover them too. Before
// (2026-12-06), the allowance list ignored `taken`, and "Next request" with kind=allowance opened an
// unblock request: an agent on the allowance desk was sent to the customer another agent was calling.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const MIN = 60_000;

/** An allowance of `accountId` in `status` ('requested': waiting for support), asked at `createdAt`. */
const allowance = (accountId: string, createdAt: Date, status = 'requested') =>
  getDb().destinationAllowance.create({
    data: { accountId, country: 'SO', hours: 4, reason: 'Our supplier is in Mogadishu.', status, createdAt },
  });

const take = async (u: CurrentUser, requestId: string) =>
  expect((await takeAllowance(u, { requestId, from: '' }, meta)).ok).toBe(true);

/** The allowance's claim as if `ms` had passed since it was taken: its times moved back by that much. */
async function later(id: string, ms: number) {
  const r = await getDb().destinationAllowance.findUniqueOrThrow({ where: { id } });
  await getDb().destinationAllowance.update({
    where: { id },
    data: {
      claimedAt: r.claimedAt && new Date(r.claimedAt.getTime() - ms),
      claimedUntil: r.claimedUntil && new Date(r.claimedUntil.getTime() - ms),
    },
  });
}

const ids = (q: { items: { id: string }[] }) => q.items.map((i) => i.id);

describe.each(dialects())('the allowance desk on %s', (dialect) => {
  let agent: CurrentUser;
  let other: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    [agent, other] = [await makeStaff(), await makeStaff({ role: 'admin' })];
  });

  /** A fresh set of requests (every earlier one decided first), on two accounts, oldest first. */
  async function desk() {
    const db = getDb();
    await db.destinationAllowance.updateMany({ where: { status: 'requested' }, data: { status: 'denied' } });
    const [a, b] = [await makeAccount(), await makeAccount()];
    const at = (i: number) => new Date(Date.UTC(2001, 0, 1, 0, i));
    // Decided ones, older than all: never listed, never next.
    await allowance(a.account.id, at(0), 'denied');
    await allowance(b.account.id, at(0), 'sending');
    await allowance(a.account.id, at(0), 'closed');
    const made = [
      await allowance(a.account.id, at(1)),
      await allowance(b.account.id, at(2)),
      await allowance(a.account.id, at(3)),
      await allowance(b.account.id, at(4)),
    ];
    return { a: a.account, b: b.account, made };
  }

  it('the "Taken" filter: nobody holding it (a lapsed claim included), the reader holding it, anyone holding it', async () => {
    const { made } = await desk();
    await take(agent, made[0].id);
    await take(other, made[1].id);
    await take(other, made[2].id);
    // made[2]'s claim lapsed: nobody holds it now.
    await later(made[2].id, 21 * MIN);
    const q = (u: CurrentUser, taken?: 'no' | 'mine' | 'yes') =>
      pendingAllowanceRequests(u, null, { taken, pageSize: 1000 });

    const free = await q(agent, 'no');
    expect(ids(free)).toEqual([made[2].id, made[3].id]);
    expect(free).toMatchObject({ total: 2, capped: false });
    expect(free.items.map((i) => i.claim)).toEqual([null, null]);
    expect(ids(await q(agent, 'mine'))).toEqual([made[0].id]);
    expect(ids(await q(other, 'mine'))).toEqual([made[1].id]);
    const held = await q(agent, 'yes');
    expect(ids(held)).toEqual([made[0].id, made[1].id]);
    expect(held.total).toBe(2);
    expect(held.items.map((i) => [i.claim?.by, i.claim?.mine])).toEqual([
      [agent.email, true],
      [other.email, false],
    ]);
    // No filter: every waiting one, as before.
    expect(ids(await q(agent))).toEqual(made.map((m) => m.id));
    expect((await q(agent)).total).toBe(4);

    // Released, it is nobody's again.
    expect((await releaseAllowance(other, { requestId: made[1].id }, meta)).ok).toBe(true);
    expect(ids(await q(agent, 'no'))).toEqual([made[1].id, made[2].id, made[3].id]);
    expect(ids(await q(other, 'mine'))).toEqual([]);
  });

  it('a filtered list pages by (createdAt, id) and keeps its filter on every page, counted alike', async () => {
    const { made } = await desk();
    await take(agent, made[1].id);
    const seen: string[] = [];
    let after: { at: Date; id: string } | null = null;
    for (let guard = 0; guard < 10; guard++) {
      const page = await pendingAllowanceRequests(agent, after, { taken: 'no', pageSize: 1 });
      expect(page.total).toBe(3);
      seen.push(...ids(page));
      if (!page.next) break;
      after = readCursor(timeIdKey, page.next).key;
    }
    expect(seen).toEqual([made[0].id, made[2].id, made[3].id]);
    expect(await pendingAllowanceRequests(agent, null, { taken: 'no', countCap: 2 })).toMatchObject({
      total: 2,
      capped: true,
    });
  });

  it('"Next request" on the allowance desk: the oldest waiting one nobody holds, and its account', async () => {
    const { a, b, made } = await desk();
    // Decided ones are older than all: skipped.
    expect(await oldestAllowanceNotTaken(agent)).toMatchObject({ id: made[0].id, accountNumber: a.number });
    // Taken (by anyone, the reader too): skipped; the next oldest is on the other account.
    await take(other, made[0].id);
    expect(await oldestAllowanceNotTaken(agent)).toMatchObject({ id: made[1].id, accountNumber: b.number });
    await take(agent, made[1].id);
    expect(await oldestAllowanceNotTaken(agent)).toMatchObject({ id: made[2].id, accountNumber: a.number });
    // A lapsed claim is no one's: the oldest is next again.
    await later(made[0].id, 21 * MIN);
    expect(await oldestAllowanceNotTaken(agent)).toMatchObject({ id: made[0].id, accountNumber: a.number });
    // Two asked at the same instant: the id breaks the tie, as the list orders them.
    const twins = await getDb().destinationAllowance.createManyAndReturn({
      data: [1, 2].map(() => ({
        accountId: b.id,
        country: 'SO',
        hours: 4,
        reason: 'twins',
        createdAt: new Date(Date.UTC(2000, 0, 1)),
      })),
    });
    const first = twins.map((t) => t.id).sort()[0];
    expect((await oldestAllowanceNotTaken(agent))?.id).toBe(first);
    await getDb().destinationAllowance.updateMany({
      where: { id: { in: twins.map((t) => t.id) } },
      data: { status: 'denied' },
    });
    // Every waiting one taken (or none waiting): none.
    for (const m of [made[0], made[2], made[3]]) await take(agent, m.id);
    expect(await oldestAllowanceNotTaken(agent)).toBeNull();
    await getDb().destinationAllowance.updateMany({
      where: { status: 'requested' },
      data: { status: 'denied' },
    });
    expect(await oldestAllowanceNotTaken(agent)).toBeNull();
  });

  it('staff only: a customer, a signed-out caller or a session without its second factor gets nothing', async () => {
    const { a } = await desk();
    const customer = asCustomer((await makeAccount()).users[0]);
    for (const u of [customer, null, { ...agent, mfaVerified: false }]) {
      await expect(oldestAllowanceNotTaken(u as CurrentUser)).rejects.toThrow();
      await expect(pendingAllowanceRequests(u as CurrentUser, null, { taken: 'no' })).rejects.toThrow();
    }
    expect((await oldestAllowanceNotTaken(agent))?.accountNumber).toBe(a.number);
  });
});
