import { beforeAll, describe, expect, it } from 'vitest';
import type { CurrentUser } from '@/lib/auth/session';
import { takeAllowance } from '@/lib/allowances/claim';
import { nextRequest } from '@/lib/allowances/next';
import { takeRequest } from '@/lib/requests/claim';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount, makeBlock, makeRequest, makeStaff } from '@/tests/helpers/factory';

// "Next request" on the whole desk (/staff/requests/next with no kind and no block reason): before
// 2026-12-07 it opened unblock requests only, so an agent working the whole queue with it never
// reached a destination-allowance request, however long it had waited (lib/allowances/next.ts).

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const at = (minute: number) => new Date(Date.UTC(2002, 0, 1, 0, minute));

describe.each(dialects())('"Next request" across the desk on %s', (dialect) => {
  let agent: CurrentUser;
  beforeAll(async () => {
    await useFreshDb(dialect);
    agent = await makeStaff();
  });

  /** Every waiting request decided, then a misdial request (firewall block) at `unblockAt` and an allowance request at `allowanceAt`. */
  async function desk(unblockAt: Date, allowanceAt: Date) {
    const db = getDb();
    await db.unblockRequest.updateMany({ where: { status: 'pending' }, data: { status: 'denied' } });
    await db.destinationAllowance.updateMany({ where: { status: 'requested' }, data: { status: 'denied' } });
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
    const request = await makeRequest(block, users[0].id, { createdAt: unblockAt });
    const allowance = await db.destinationAllowance.create({
      data: {
        accountId: account.id,
        country: 'SO',
        hours: 4,
        reason: 'Supplier in Mogadishu.',
        createdAt: allowanceAt,
      },
    });
    return { account, request, allowance, customer: asCustomer(users[0]) };
  }

  it('with no kind: the older of the two kinds, an allowance request when it waited longer', async () => {
    const { account, request, allowance } = await desk(at(5), at(1));
    expect(await nextRequest(agent, {})).toEqual({
      kind: 'allowance',
      id: allowance.id,
      accountNumber: account.number,
    });
    // Taken, it is skipped: the unblock request is next.
    expect((await takeAllowance(agent, { requestId: allowance.id, from: '' }, meta)).ok).toBe(true);
    expect(await nextRequest(agent, {})).toEqual({ kind: 'unblock', id: request.id });
    // And with that taken too, nothing waits free.
    expect((await takeRequest(agent, { requestId: request.id, from: '' }, meta)).ok).toBe(true);
    expect(await nextRequest(agent, {})).toBeNull();
  });

  it('with no kind: the unblock request when it is older, and when both came at the same instant', async () => {
    const older = await desk(at(1), at(5));
    expect(await nextRequest(agent, {})).toEqual({ kind: 'unblock', id: older.request.id });
    const tie = await desk(at(3), at(3));
    expect(await nextRequest(agent, {})).toEqual({ kind: 'unblock', id: tie.request.id });
  });

  it('a kind or a block reason keeps to its own requests, however old the others', async () => {
    const { account, request, allowance } = await desk(at(9), at(1));
    expect(await nextRequest(agent, { kind: 'misdial' })).toEqual({ kind: 'unblock', id: request.id });
    expect(await nextRequest(agent, { kind: 'firewall' })).toBeNull();
    // Allowance requests have no block reason: a reason filter means unblock requests.
    expect(await nextRequest(agent, { reason: 'hotspot_source_ip' })).toEqual({
      kind: 'unblock',
      id: request.id,
    });
    expect(await nextRequest(agent, { reason: 'manual' })).toBeNull();
    expect(await nextRequest(agent, { kind: 'allowance' })).toEqual({
      kind: 'allowance',
      id: allowance.id,
      accountNumber: account.number,
    });
  });

  it('staff only: a customer or a session without its second factor is refused', async () => {
    const { customer } = await desk(at(1), at(2));
    for (const u of [customer, null, { ...agent, mfaVerified: false }]) {
      for (const filter of [{}, { kind: 'allowance' as const }, { kind: 'misdial' as const }]) {
        await expect(nextRequest(u as CurrentUser, filter)).rejects.toThrow();
      }
    }
  });
});
