import { beforeAll, describe, expect, it } from 'vitest';
import { reconcilePass } from '@/lib/blocks/reconcile';
import { getDb } from '@/lib/server/db';
import { createSwitchClient } from '@/lib/switch/client';
import { switchEventSchema } from '@/lib/switch/events-schema';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeBlockedOnSwitch } from '@/tests/helpers/factory';
import { deliver, liftedEvent, type TestEvent } from '@/tests/helpers/switch-events';
import { appSimPerFile, TOKEN, type TestSim } from '@/tests/switch/sim-fixture';

// A block.lifted's `actor` only says who lifted the block (docs/switch-api.md part 2): it is cleaned
// and cut, never a reason to refuse the lift. A lift by `run.sh lift --actor "<201 characters>"` was
// refused with 400 invalid_event; the account was flagged, the portal kept the block in force while
// the switch allowed calls, and two reconciler passes blocked the customer on the switch again,
// against the operator's decision. What decides what an event does stays strict.

let sim: TestSim;
appSimPerFile((s) => (sim = s));
const client = () =>
  createSwitchClient({ baseUrl: sim.url, token: TOKEN, timeoutMs: 2000, retries: 0, log: () => {} });

const actorOf = (e: unknown) => {
  const parsed = switchEventSchema.parse(e);
  return parsed.type === 'block.lifted' ? parsed.data.actor : null;
};

describe('block.lifted’s actor as Tollgate reads it', () => {
  it('names the switch when the actor text names nobody', () => {
    const lift = liftedEvent('ACC-1001');
    for (const actor of ['', '   ', '\u0000\u0007', '\u202e\u200b'])
      expect(actorOf({ ...lift, data: { accountNumber: 'ACC-1001', actor } })).toBe('switch');
  });

  it('still refuses a lift without an actor string (CONTRACTS §4: "actor": string)', () => {
    const lift = liftedEvent('ACC-1001');
    for (const data of [
      { accountNumber: 'ACC-1001' },
      { accountNumber: 'ACC-1001', actor: null },
      { accountNumber: 'ACC-1001', actor: 4711 },
      { accountNumber: 'ACC-1001', actor: { name: 'jane' } },
    ])
      expect(switchEventSchema.safeParse({ ...lift, data }).success).toBe(false);
  });

  it('cuts an actor over 200 characters to 200 with an ellipsis, never inside a surrogate pair', () => {
    expect(actorOf(liftedEvent('ACC-1001', new Date(), 'a'.repeat(200)))).toBe('a'.repeat(200));
    expect(actorOf(liftedEvent('ACC-1001', new Date(), ` ${'a'.repeat(200)} `))).toBe('a'.repeat(200));
    expect(actorOf(liftedEvent('ACC-1001', new Date(), 'a'.repeat(201)))).toBe(`${'a'.repeat(199)}…`);
    const emoji = actorOf(liftedEvent('ACC-1001', new Date(), `${'a'.repeat(198)}😀${'b'.repeat(10)}`))!;
    expect(emoji).toBe(`${'a'.repeat(198)}…`);
    expect(emoji.length).toBeLessThanOrEqual(200);
  });

  it('drops invisible formatting that would reorder what staff read', () => {
    expect(actorOf(liftedEvent('ACC-1001', new Date(), 'noc:\u202ejane'))).toBe('noc:jane');
  });

  it('still refuses a lift whose account number or time is wrong', () => {
    const lift = liftedEvent('ACC-1001', new Date(), 'noc:jane');
    expect(switchEventSchema.safeParse({ ...lift, occurredAt: 'yesterday' }).success).toBe(false);
    expect(
      switchEventSchema.safeParse({ ...lift, data: { accountNumber: 'ACC 1001', actor: 'x' } }).success,
    ).toBe(false);
  });
});

describe.each(dialects())('a lift with an actor Tollgate cannot keep as sent on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  /** Lifts `account` on the simulated switch, as `run.sh lift` does on the reference switch. */
  const liftOnSwitch = (accountNumber: string) =>
    sim.control('PUT', `/_sim/accounts/${accountNumber}`, {
      internationalCalling: 'allowed',
      credentials: [],
    });

  it('applies a lift whose actor is 300 characters, and the reconciler leaves the switch allowed', async () => {
    const { account, block } = await makeBlockedOnSwitch(sim);
    await liftOnSwitch(account.number);
    const actor = `noc:${'x'.repeat(296)}`;
    const res = await deliver(liftedEvent(account.number, new Date(), actor));
    expect(res.status).toBe(200);
    const kept = `${actor.slice(0, 199)}…`;
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'lifted',
      liftedBy: kept,
    });
    expect(
      (await getDb().blockEvent.findFirstOrThrow({ where: { blockId: block.id, type: 'lifted' } })).actor,
    ).toBe(kept);
    expect(
      await getDb().switchEvent.count({ where: { status: 'rejected', accountNumber: account.number } }),
    ).toBe(0);
    expect(
      (await getDb().customerAccount.findUniqueOrThrow({ where: { id: account.id } })).reconcileDue,
    ).toBe(false);

    // Two passes: a block in force here with the switch allowing calls would be placed again.
    for (let pass = 0; pass < 2; pass++)
      await reconcilePass({ client: client(), differenceWaitMs: 0, accountNumbers: [account.number] });
    expect(
      (
        (await sim.control('GET', `/_sim/accounts/${account.number}`)).body as {
          internationalCalling: string;
        }
      ).internationalCalling,
    ).toBe('allowed');
    expect(await getDb().syncIssue.count({ where: { accountId: account.id } })).toBe(0);
  });

  it.each<[string, string, string]>([
    ['empty', '', 'switch'],
    ['blank', '   ', 'switch'],
    ['control characters only', '\u0001\u0002', 'switch'],
    ['a NUL and a line break inside', 'noc\u0000jane\nsmith', 'noc jane smith'],
  ])('applies a lift whose actor is %s, named as %j', async (_name, actor, expected) => {
    const { account } = await makeAccount();
    const block = await makeBlock(account.id, { placedAt: new Date(Date.now() - 60_000) });
    const e: TestEvent = liftedEvent(account.number);
    e.data = { accountNumber: account.number, actor };
    expect((await deliver(e)).status).toBe(200);
    expect(await getDb().block.findUniqueOrThrow({ where: { id: block.id } })).toMatchObject({
      status: 'lifted',
      liftedBy: expected,
    });
    // The body is stored as sent, whatever was read from it.
    expect((await getDb().switchEvent.findUniqueOrThrow({ where: { id: e.id } })).body).toBe(
      JSON.stringify(e),
    );
  });
});
