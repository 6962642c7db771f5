import { beforeAll, describe, expect, it } from 'vitest';
import { reconcileAccount } from '@/lib/blocks/lifecycle';
import { liftIfRotated } from '@/lib/blocks/policy';
import { getDb } from '@/lib/server/db';
import type { SwitchClient } from '@/lib/switch/client';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { decideLift, makeAccount } from '@/tests/helpers/factory';
import { deliver, liftedEvent, placedEvent } from '@/tests/helpers/switch-events';

// The switch's clock runs ahead of the portal's, within what the signature window lets through
// (an event's times may be up to 300 s after its signature time). A block's placedAt is then later
// than any portal time of the same moment; nothing may compare the two as if they were one clock.

const AHEAD_MS = 4 * 60_000;

/** A switch that confirms every PUT (200, the state asked for). */
const confirming = {
  setInternationalCalling: async (accountNumber: string, body: { state: 'allowed' | 'blocked' }) => ({
    ok: true,
    value: {
      accountNumber,
      internationalCalling: body.state,
      blockedAt: body.state === 'blocked' ? new Date(Date.now() + AHEAD_MS).toISOString() : null,
      reason: body.state === 'blocked' ? 'manual' : null,
      allowances: [],
    },
  }),
  getAccount: async () => ({ ok: false, kind: 'unavailable', message: 'not used' }),
} as unknown as SwitchClient;

async function blockAhead() {
  const made = await makeAccount();
  const ev = placedEvent(made.account.number, {
    at: new Date(Date.now() + AHEAD_MS),
    from: made.creds.map((c) => c.username),
  });
  expect((await deliver(ev)).status).toBe(200);
  const block = await getDb().block.findUniqueOrThrow({ where: { sourceEventId: ev.id } });
  return { ...made, block };
}

describe.each(dialects())('a switch clock ahead of the portal’s on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a lift the switch confirmed ends the block it was decided for; nothing is placed again', async () => {
    const { account, block } = await blockAhead();
    const db = getDb();
    expect((await decideLift([block])).ok).toBe(true);
    expect(await processSwitchOutbox({ client: confirming, max: 10 })).toBeGreaterThanOrEqual(1);
    expect(await db.block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'lifted',
      liftedBy: 'test',
    });
    const ops = await db.switchOperation.findMany({ where: { accountNumber: account.number } });
    expect(ops.map((o) => `${o.kind}/${o.status}`)).toEqual(['lift/done']);
    expect(await db.syncIssue.count({ where: { accountId: account.id } })).toBe(0);
    expect(
      await db.mailMessage.count({ where: { template: 'block_lifted', payload: { contains: block.id } } }),
    ).toBe(1);
  });

  it('passwords rotated after the portal learnt of the block lift it, whatever the switch’s clock says', async () => {
    const { account, creds, block } = await blockAhead();
    const db = getDb();
    // Rotated now: after the block reached the portal, before its placedAt on the switch's clock.
    await new Promise((r) => setTimeout(r, 20));
    for (const c of creds)
      await db.sipCredential.update({ where: { id: c.id }, data: { passwordChangedAt: new Date() } });
    expect(await db.$transaction((tx) => liftIfRotated(tx, account.id))).toEqual([block.id]);
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lift_pending');
  });

  it('the reconciler follows a block on the switch at once, though the switch’s last change is dated ahead', async () => {
    const { account } = await makeAccount();
    const db = getDb();
    expect((await deliver(liftedEvent(account.number, new Date(Date.now() + AHEAD_MS)))).status).toBe(200);
    // The switch blocks the account and its event is lost; the reconciler reads the switch now.
    const blocked = {
      accountNumber: account.number,
      internationalCalling: 'blocked' as const,
      blockedAt: new Date(Date.now() + AHEAD_MS).toISOString(),
      reason: 'hotspot_source_ip',
      allowances: [],
    };
    await new Promise((r) => setTimeout(r, 5));
    expect(await reconcileAccount(account.id, blocked, new Date())).toBe('blocked_in_portal');
    expect(await db.block.count({ where: { accountId: account.id, status: 'active' } })).toBe(1);
  });
});
