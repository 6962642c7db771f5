import crypto from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { watchAllowances } from '@/lib/allowances/expiry';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { processMailOutbox } from '@/lib/mail/worker';
import { db } from '@/lib/server/db';
import { unansweringSwitch } from '@/tests/helpers/unanswering-switch';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { uniqueEmail } from '@/tests/helpers/unique';

// A slow switch or mail server must leave every worker finishing its ticks (readiness calls a worker
// that has not finished one for 5 minutes `stalled`, and the instance unready: every instance at
// once, since they share the switch). Seen in the ops lab (scripts/ops-lab/slow-switch.sh): the
// reconciler read 70 accounts one after another, each waiting out the 5 s timeout, and readiness said
// 503 on both instances. Each worker that calls out stops starting calls when its tick's budget is
// spent (lib/server/tick-budget.ts); here the budget is a deadline that passes after two calls, so
// no test waits for a clock.

/** A deadline that passes once it has been asked `n` times (after `n` rows or accounts were started). */
const afterCalls = (n: number) => {
  let asked = 0;
  return () => asked++ >= n;
};

describe.each(dialects())('a worker tick within its budget, on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('the switch outbox starts no operation after its budget; the rest stay due, unclaimed', async () => {
    const number = `ACC-${crypto.randomInt(100000, 999999)}`;
    for (let i = 0; i < 5; i++)
      await db.switchOperation.create({
        data: {
          idempotencyKey: crypto.randomUUID(),
          kind: 'lift',
          accountNumber: number,
          payload: JSON.stringify({ state: 'allowed', reason: 'test', actor: 'test' }),
          nextAttemptAt: new Date(Date.now() - 1000),
        },
      });
    const { client } = unansweringSwitch('test: timed out');
    await processSwitchOutbox({ client, owner: 'budget-test', deadline: afterCalls(2) });
    const ops = await db.switchOperation.findMany({ where: { accountNumber: number } });
    expect(ops.filter((o) => o.attempts > 0)).toHaveLength(2);
    expect(
      ops.filter((o) => o.attempts === 0 && o.status === 'pending' && o.leaseOwner === null),
    ).toHaveLength(3);
  });

  it('the mail outbox starts no message after its budget; the rest stay due, unclaimed', async () => {
    const to = uniqueEmail('budget', 'test.example');
    for (let i = 0; i < 5; i++)
      await db.mailMessage.create({
        data: { to, template: 'probe', payload: '{}', nextAttemptAt: new Date(Date.now() - 1000) },
      });
    const sent: string[] = [];
    const transport = {
      kind: 'smtp' as const,
      send: async (m: { id: string }) => (sent.push(m.id), { messageId: m.id, response: '250' }),
    };
    await processMailOutbox({ transport, owner: 'budget-test', deadline: afterCalls(2) });
    const rows = await db.mailMessage.findMany({ where: { to } });
    // The two it started are put back (this version cannot read `probe`, lib/mail/worker.ts); the
    // rest are as queued.
    const untouched = rows.filter(
      (r) => r.status === 'pending' && r.attempts === 0 && r.leaseOwner === null && r.lastError === null,
    );
    expect(untouched).toHaveLength(3);
  });

  it('a reconciler pass reads no account after its budget; the others stay due for the next pass', async () => {
    const accounts = [];
    for (let i = 0; i < 5; i++) accounts.push((await makeAccount({ members: [] })).account);
    const numbers = accounts.map((a) => a.number);
    await db.customerAccount.updateMany({ where: { number: { in: numbers } }, data: { reconcileDue: true } });
    const { client, calls } = unansweringSwitch('test: timed out');
    const counts = await reconcilePass({ client, accountNumbers: numbers, deadline: afterCalls(2) });
    expect(calls).toHaveLength(2);
    expect(counts.unreadable).toBe(2);
    expect(await db.customerAccount.count({ where: { number: { in: numbers }, reconcileDue: true } })).toBe(
      5,
    );
  });

  it('the allowance watch reads no account after its budget', async () => {
    for (let i = 0; i < 4; i++) {
      const { account } = await makeAccount({ members: [] });
      await db.destinationAllowance.create({
        data: {
          accountId: account.id,
          country: 'SO',
          hours: 4,
          reason: 'test',
          status: 'active',
          until: new Date(Date.now() + 3600_000),
        },
      });
    }
    const { client, calls } = unansweringSwitch('test: timed out');
    await watchAllowances({ client, deadline: afterCalls(2) });
    expect(calls).toHaveLength(2);
    expect(await db.destinationAllowance.count({ where: { status: 'active' } })).toBe(4);
  });
});
