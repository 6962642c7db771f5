import { beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asUser, firewallForm, makeAccount, makeBlock } from '@/tests/helpers/factory';
import { said } from '@/tests/helpers/outcome';
import { deliver, liftedEvent } from '@/tests/helpers/switch-events';

// Review, session 33: a customer's request read its block, then wrote the request in a transaction of
// its own. A lift that committed in between had already closed the block's requests, so the new one
// waited in support's queue on a lifted block (and an allowance request was filed under the lifted
// block: "waiting for support to call you back" on an account that was no longer blocked). The lift
// here is the switch's real block.lifted, delivered at the one point between the read and the write
// every submission passes: its rate limit (the edge this test moves, nothing else).

const between = { run: null as null | (() => Promise<void>) };
vi.mock('@/lib/server/rate-limit', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/server/rate-limit')>();
  return {
    ...real,
    consumeAll: async (...args: Parameters<typeof real.consumeAll>) => {
      const run = between.run;
      between.run = null;
      await run?.();
      return real.consumeAll(...args);
    },
  };
});

const { submitFirewall, firewallSchema } = await import('@/lib/requests/submit');
const { requestAllowance, requestAllowanceSchema } = await import('@/lib/allowances/request');

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };

describe.each(dialects())('a request whose block is lifted while it is filed, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  const liftedMeanwhile = async () => {
    const { account, users } = await makeAccount();
    const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
    between.run = async () => {
      expect((await deliver(liftedEvent(account.number))).status).toBe(200);
    };
    return { account, block, user: asUser(users[0]!) };
  };

  it('an unblock request is refused as no longer in force, and nothing is filed', async () => {
    const { block, user } = await liftedMeanwhile();
    const r = await submitFirewall(user, firewallSchema.parse(firewallForm(block.id)), meta);
    expect(between.run).toBeNull();
    expect((await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('lifted');
    expect(said(r)).toBe('outcome.request.notActive');
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
    expect(await getDb().mailMessage.count({ where: { to: user.email, template: 'request_received' } })).toBe(
      0,
    );
  });

  it('a country allowance request is refused as no longer in force, and nothing is filed', async () => {
    const { account, block, user } = await liftedMeanwhile();
    const r = await requestAllowance(
      user,
      requestAllowanceSchema.parse({
        blockId: block.id,
        country: 'SO',
        hours: '4',
        reason: 'Our supplier in Mogadishu.',
        callbackPhone: '+1 202 555 0143',
      }),
      meta,
    );
    expect(between.run).toBeNull();
    expect(said(r)).toBe('outcome.allowance.blockNotActive');
    expect(await getDb().destinationAllowance.count({ where: { accountId: account.id } })).toBe(0);
  });
});
