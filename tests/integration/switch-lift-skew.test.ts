import { beforeAll, describe, expect, it } from 'vitest';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { SKEW_WINDOW_MS } from '@/lib/blocks/lifecycle';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeRequest } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';
import { uniqueEmail } from '@/tests/helpers/unique';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// A switch of several nodes whose clocks differ within the signature window (a tester playing the
// provider's switch engineer, session 56): node A, 4 minutes fast, places a block dated now + 240 s;
// node B, right, lifts it a minute later, dated now + 60 s, before the block's time. The lift lifted
// nothing, and the reconciler then placed the block again on the switch the NOC had just unblocked.
// Within the window the times cannot order the two: the switch's state does.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });
const whole = (ms: number) => new Date(Math.floor(ms / 1000) * 1000);

/** An account node A blocked at `placedAt` (its clock ahead), with a pending unblock request on the block. */
async function blockedAhead(placedAt: Date) {
  const made = await makeAccount({ members: [uniqueEmail('skew')] });
  const n = made.account.number;
  await sim.control('PUT', `/_sim/accounts/${n}`, {
    internationalCalling: 'blocked',
    reason: 'high_risk_destination',
    blockedAt: placedAt.toISOString(),
    credentials: [],
  });
  const placed = placedEvent(n, { at: placedAt, from: [made.creds[0]!.username] });
  expect(await deliver(placed)).toMatchObject({ status: 200, body: { duplicate: false } });
  const block = await getDb().block.findUniqueOrThrow({ where: { sourceEventId: placed.id } });
  const request = await makeRequest(block, made.users[0]!.id);
  return { ...made, n, block, request };
}

const allowOnSwitch = (n: string) =>
  sim.control('PUT', `/_sim/accounts/${n}`, { internationalCalling: 'allowed', credentials: [] });

const liftAudit = async (eventId: string) =>
  JSON.parse(
    (await getDb().auditLog.findFirstOrThrow({ where: { action: 'switch.block.lifted', targetId: eventId } }))
      .detail!,
  ) as Record<string, unknown>;

/** Two reconciler passes (the second acts on a difference the first saw), over this account only. */
async function reconcileTwice(n: string) {
  for (let i = 0; i < 2; i++)
    await reconcilePass({ client: client(), differenceWaitMs: 0, accountNumbers: [n] });
}

describe.each(dialects())(
  'a lift dated before a block by less than the clock-skew window, on %s',
  (dialect) => {
    beforeAll(async () => {
      await useFreshDb(dialect);
    });

    it('the switch allows calls: the lift lifts the block, with a normal lift’s effects, and nothing places it again', async () => {
      const now = Date.now();
      const { n, block, request, account } = await blockedAhead(whole(now + 240_000));
      await allowOnSwitch(n);
      const lift = liftedEvent(n, new Date(now + 60_000), 'noc:jane (node B)');
      expect(await deliver(lift)).toMatchObject({ status: 200, body: { duplicate: false } });

      const after = await getDb().block.findUniqueOrThrow({ where: { id: block.id } });
      expect(after.status).toBe('lifted');
      // Recorded after its placement (never a lift before the block it lifted), on the switch's clocks.
      expect(after.liftedAt!.getTime()).toBeGreaterThan(after.placedAt.getTime());
      expect((await getDb().unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status).not.toBe(
        'pending',
      );
      expect(
        await getDb().mailMessage.count({
          where: { template: 'block_lifted', payload: { contains: block.id } },
        }),
      ).toBe(1);
      expect(await liftAudit(lift.id)).toMatchObject({
        lifted: [block.id],
        liftedDespiteOrder: [block.id],
        newerStillInForce: 0,
        switchSays: 'allowed',
        occurredAt: lift.occurredAt,
        laterPlacedAt: block.placedAt.toISOString(),
      });

      // The reconciler finds both sides allowed: nothing is placed again on the switch.
      await reconcileTwice(n);
      expect(await getDb().switchOperation.count({ where: { accountNumber: n } })).toBe(0);
      expect(
        await getDb().block.count({
          where: { accountId: account.id, status: { in: ['active', 'lift_pending'] } },
        }),
      ).toBe(0);
      expect((await sim.control('GET', `/_sim/accounts/${n}`)).body.internationalCalling).toBe('allowed');
      // A copy of the lift is a duplicate.
      expect(await deliver(lift)).toMatchObject({ status: 200, body: { duplicate: true } });
    });

    it('the switch still blocks the account: the block stays in force, and the audit says why', async () => {
      const now = Date.now();
      const { n, block, request } = await blockedAhead(whole(now + 240_000));
      const lift = liftedEvent(n, new Date(now + 60_000));
      expect(await deliver(lift)).toMatchObject({ status: 200, body: { duplicate: false } });
      expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');
      expect((await getDb().unblockRequest.findUniqueOrThrow({ where: { id: request.id } })).status).toBe(
        'pending',
      );
      const detail = await liftAudit(lift.id);
      expect(detail).toMatchObject({ lifted: [], newerStillInForce: 1, switchSays: 'blocked' });
      expect(detail).not.toHaveProperty('liftedDespiteOrder');
    });

    it('the switch cannot be read: 503 switch_state_unavailable, kept for the retry, which then lifts', async () => {
      const now = Date.now();
      const { n, block } = await blockedAhead(whole(now + 240_000));
      await allowOnSwitch(n);
      const lift = liftedEvent(n, new Date(now + 60_000));
      await sim.control('PUT', '/_sim/faults', { failNext: 10, method: 'GET' });
      try {
        const res = await deliver(lift);
        expect(res.status).toBe(503);
        expect(res.body).toMatchObject({
          error: { code: 'switch_state_unavailable', message: expect.stringMatching(/dated before a block/) },
        });
      } finally {
        await sim.control('DELETE', '/_sim/faults');
      }
      expect((await getDb().switchEvent.findUniqueOrThrow({ where: { id: lift.id } })).status).toBe(
        'received',
      );
      expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');
      expect(await deliver(lift)).toMatchObject({ status: 200, body: { duplicate: false } });
      expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lifted');
    });

    it('a lift earlier than the block by more than the window leaves the newer block alone, without asking', async () => {
      const now = Date.now();
      const { n, block } = await blockedAhead(whole(now + 240_000));
      await allowOnSwitch(n);
      // Any read of the switch would fail: the answer shows none was made.
      await sim.control('PUT', '/_sim/faults', { failNext: 10, method: 'GET' });
      const lift = liftedEvent(n, new Date(block.placedAt.getTime() - SKEW_WINDOW_MS - 1000));
      try {
        expect(await deliver(lift)).toMatchObject({ status: 200, body: { duplicate: false } });
      } finally {
        await sim.control('DELETE', '/_sim/faults');
      }
      expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');
      const detail = await liftAudit(lift.id);
      expect(detail).toEqual({ lifted: [], newerStillInForce: 1 });
    });
  },
);
