import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { nextRequest, nextRequestHref } from '@/lib/allowances/next';
import { CLAIM_MINUTES, takeRequest } from '@/lib/requests/claim';
import { takeNextRequest } from '@/lib/requests/take-next';
import { getDb } from '@/lib/server/db';
import { takeNextFields } from '@/components/staff/next-request-link';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// "Take next request" (lib/requests/take-next.ts): in a fraud wave two agents pressing "Next request"
// together landed on the same request, and the second learned it only at "Take this request". The
// button takes the oldest free request in one step, and moves on when another agent took it first.

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const MIN = 60_000;
const at = (minute: number) => new Date(Date.UTC(2003, 0, 1, 0, minute));
const NONE_FREE = { ok: false, code: 'conflict', note: { key: 'staff.desk.noneFree' } };

describe.each(dialects())('"Take next request" on %s', (dialect) => {
  let agents: CurrentUser[];
  beforeAll(async () => {
    await useFreshDb(dialect);
    agents = [await makeStaff(), await makeStaff(), await makeStaff({ role: 'admin' }), await makeStaff()];
  });

  /** Every waiting request decided: each test's desk holds only what it makes. */
  async function emptyDesk() {
    const db = getDb();
    await db.unblockRequest.updateMany({ where: { status: 'pending' }, data: { status: 'denied' } });
    await db.destinationAllowance.updateMany({ where: { status: 'requested' }, data: { status: 'denied' } });
  }

  /** A waiting misdial request (a hotspot block) made at `createdAt`, with its account and customer. */
  async function misdial(createdAt: Date) {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
    const request = await makeRequest(block, users[0].id, { createdAt });
    return { account, request, customer: asCustomer(users[0]) };
  }

  /** A waiting allowance request on a fresh account, made at `createdAt`. */
  async function allowance(createdAt: Date) {
    const { account } = await makeAccount();
    const a = await getDb().destinationAllowance.create({
      data: { accountId: account.id, country: 'SO', hours: 4, reason: 'Supplier in Mogadishu.', createdAt },
    });
    return { account, allowance: a };
  }

  const holder = async (id: string) =>
    (await getDb().unblockRequest.findUniqueOrThrow({ where: { id } })).claimedById;
  const taken = (ids: string[]) =>
    getDb().auditLog.findMany({ where: { targetId: { in: ids }, action: 'request.taken' } });

  it('agents pressing it at the same instant each take a different request; one too many is told none is free', async () => {
    await emptyDesk();
    const requests = [await misdial(at(1)), await misdial(at(2)), await misdial(at(3))].map((m) => m.request);
    const ids = requests.map((r) => r.id);
    const results = await Promise.all(agents.map((a) => takeNextRequest(a, { kind: 'misdial' }, meta)));

    const won = results.flatMap((r, i) => (r.ok ? [{ agent: agents[i], id: r.data!.id }] : []));
    expect(won).toHaveLength(3);
    expect(new Set(won.map((w) => w.id))).toEqual(new Set(ids));
    expect(results.filter((r) => !r.ok)).toEqual([NONE_FREE]);
    for (const w of won) {
      expect(await holder(w.id)).toBe(w.agent.id);
      const row = await getDb().unblockRequest.findUniqueOrThrow({ where: { id: w.id } });
      expect(row.claimedUntil!.getTime() - row.claimedAt!.getTime()).toBe(CLAIM_MINUTES * MIN);
    }
    // Audited as "Take this request" is: one request.taken per request, by the agent who holds it.
    const rows = await taken(ids);
    expect(rows.map((r) => [r.targetId, r.actorId]).sort()).toEqual(
      won.map((w) => [w.id, w.agent.id]).sort(),
    );
    expect(JSON.parse(rows[0].detail!)).toMatchObject({ kind: 'misdial' });
    // No take-over: nobody's claim was replaced.
    expect(
      await getDb().auditLog.count({ where: { targetId: { in: ids }, action: 'request.taken_over' } }),
    ).toBe(0);
  });

  it('takes the oldest free one of the filter, passing those held (the caller’s own too), and opens it there', async () => {
    await emptyDesk();
    const [ana, ben] = agents;
    const oldest = await misdial(at(1));
    const second = await misdial(at(2));
    const third = await misdial(at(3));
    expect((await takeRequest(ben, { requestId: oldest.request.id, from: '' }, meta)).ok).toBe(true);
    expect((await takeRequest(ana, { requestId: second.request.id, from: '' }, meta)).ok).toBe(true);

    const r = await takeNextRequest(ana, { kind: 'misdial', reason: 'hotspot_source_ip' }, meta);
    expect(r).toEqual({
      ok: true,
      data: { kind: 'unblock', id: third.request.id },
      note: { key: 'outcome.claim.taken' },
    });
    // Ben keeps his; Ana's own is not renewed: the next free one is hers now.
    expect(await holder(oldest.request.id)).toBe(ben.id);
    expect(await holder(third.request.id)).toBe(ana.id);
    expect(nextRequestHref(r.ok ? r.data! : never(), 'kind=misdial&reason=hotspot_source_ip')).toBe(
      `/staff/requests/${third.request.id}?kind=misdial&reason=hotspot_source_ip`,
    );

    // Another kind or reason has none free: told so, and nothing changes.
    const before = await getDb().auditLog.count();
    expect(await takeNextRequest(ana, { kind: 'firewall' }, meta)).toEqual(NONE_FREE);
    expect(await takeNextRequest(ana, { reason: 'manual' }, meta)).toEqual(NONE_FREE);
    expect(await takeNextRequest(ana, { kind: 'misdial' }, meta)).toEqual(NONE_FREE);
    expect(await getDb().auditLog.count()).toBe(before);
  });

  it('on the allowance desk and the whole desk: the allowance request nextRequest finds, taken and opened at its card', async () => {
    await emptyDesk();
    const [ana, ben] = agents;
    const un = await misdial(at(5));
    const a = await allowance(at(1));
    const later = await allowance(at(7));
    expect(await nextRequest(ana, {})).toMatchObject({ kind: 'allowance', id: a.allowance.id });

    // Two at once on the whole desk: the older allowance request and the unblock request.
    const [r1, r2] = await Promise.all([takeNextRequest(ana, {}, meta), takeNextRequest(ben, {}, meta)]);
    expect([r1, r2].every((r) => r.ok)).toBe(true);
    const got = [r1, r2].map((r) => (r.ok ? r.data! : never()));
    expect(got.map((g) => g.id).sort()).toEqual([a.allowance.id, un.request.id].sort());
    const card = got.find((g) => g.kind === 'allowance')!;
    expect(card).toEqual({ kind: 'allowance', id: a.allowance.id, accountNumber: a.account.number });
    const byAllowance = (
      await getDb().destinationAllowance.findUniqueOrThrow({ where: { id: a.allowance.id } })
    ).claimedById;
    expect([ana.id, ben.id]).toContain(byAllowance);
    expect(
      await getDb().auditLog.count({ where: { targetId: a.allowance.id, action: 'allowance.taken' } }),
    ).toBe(1);
    expect(nextRequestHref(card, 'kind=allowance')).toBe(
      `/staff/accounts/${encodeURIComponent(a.account.number)}?kind=allowance#allowance-${a.allowance.id}`,
    );
    expect(nextRequestHref(card, '')).toBe(
      `/staff/accounts/${encodeURIComponent(a.account.number)}#allowance-${a.allowance.id}`,
    );

    // The allowance desk keeps to allowance requests: the later one; then none.
    expect(await takeNextRequest(ana, { kind: 'allowance' }, meta)).toMatchObject({
      ok: true,
      data: { kind: 'allowance', id: later.allowance.id },
    });
    expect(await takeNextRequest(ana, { kind: 'allowance' }, meta)).toEqual(NONE_FREE);
  });

  it('a lapsed claim is nobody’s: taken as a free request, not taken over', async () => {
    await emptyDesk();
    const [ana, ben] = agents;
    const { request } = await misdial(at(1));
    expect((await takeRequest(ben, { requestId: request.id, from: '' }, meta)).ok).toBe(true);
    const row = await getDb().unblockRequest.findUniqueOrThrow({ where: { id: request.id } });
    await getDb().unblockRequest.update({
      where: { id: request.id },
      data: {
        claimedAt: new Date(row.claimedAt!.getTime() - (CLAIM_MINUTES + 1) * MIN),
        claimedUntil: new Date(row.claimedUntil!.getTime() - (CLAIM_MINUTES + 1) * MIN),
      },
    });
    expect(await takeNextRequest(ana, {}, meta)).toMatchObject({ ok: true, data: { id: request.id } });
    expect(await holder(request.id)).toBe(ana.id);
    expect(
      await getDb().auditLog.count({ where: { targetId: request.id, action: 'request.taken_over' } }),
    ).toBe(0);
  });

  it('staff only: a customer or a session without its second factor throws; a disabled agent takes nothing', async () => {
    await emptyDesk();
    const { request, customer } = await misdial(at(1));
    await expect(takeNextRequest(customer, {}, meta)).rejects.toThrow();
    await expect(takeNextRequest(null, {}, meta)).rejects.toThrow();
    await expect(takeNextRequest({ ...agents[0], mfaVerified: false }, {}, meta)).rejects.toThrow();
    const gone = await makeStaff();
    await getDb().user.update({ where: { id: gone.id }, data: { disabled: true } });
    expect(await takeNextRequest(gone, {}, meta)).toMatchObject({ ok: false, code: 'refused' });
    expect(await holder(request.id)).toBeNull();
  });
});

describe('the button’s hidden fields', () => {
  it('are the filter the "Next request" link carries, kind and reason only', () => {
    expect(takeNextFields('/staff/requests/next')).toEqual({});
    expect(takeNextFields('/staff/requests/next?kind=misdial&reason=hotspot_source_ip')).toEqual({
      kind: 'misdial',
      reason: 'hotspot_source_ip',
    });
    expect(takeNextFields('/staff/requests/next?kind=allowance&taken=no')).toEqual({ kind: 'allowance' });
  });
});

/** For a result the test has just found ok: fails the test if it was not. */
function never(): never {
  throw new Error('expected a success');
}
