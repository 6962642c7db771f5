import crypto from 'node:crypto';
import { createElement as h } from 'react';
import { beforeAll, describe, expect, it } from 'vitest';
import { RefusedLift, refusedLiftOf } from '@/components/staff/refused-lift';
import { refuseLift } from '@/lib/blocks/lifecycle';
import { getAccountForStaff } from '@/lib/staff/account-detail';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount, makeBlock, makeStaff } from '@/tests/helpers/factory';
import { render, text } from '@/tests/helpers/intl-markup';

// The staff account page's block card read "In force" with "Lift block" offered again after the switch
// refused the agent's lift; why was only at the foot of the page, under "Changes for the switch" (a
// tester playing the switch engineer, 2026-12-07). The card now says it by its button
// (components/staff/refused-lift.tsx), from the page's own data (getAccountForStaff's operations).

const db = () => getDb();

/** A lift of `blockIds` asked by `actor` at `at`, still waiting for the switch, its blocks being lifted. */
async function queuedLift(accountNumber: string, blockIds: string[], actor: string, at: Date) {
  await db().block.updateMany({ where: { id: { in: blockIds } }, data: { status: 'lift_pending' } });
  return db().switchOperation.create({
    data: {
      idempotencyKey: crypto.randomUUID(),
      kind: 'lift',
      accountNumber,
      blockId: blockIds[0],
      payload: JSON.stringify({ state: 'allowed', reason: 'test', actor, blockIds }),
      createdAt: at,
    },
  });
}

const ASKED = new Date(Date.UTC(2026, 11, 7, 17, 35));
/** What the switch answered: a 200 showing the account still blocked (the simulator's `ignoreNext`). */
const DISAGREES = 'body_disagrees: the switch answered 200 with internationalCalling "blocked"';

describe.each(dialects())('the switch refused a lift: the block card says so, on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));

  async function twoBlocksOneRefused() {
    const agent = await makeStaff();
    const { account } = await makeAccount();
    const refused = await makeBlock(account.id, { placedAt: new Date(Date.now() - 7200_000) });
    const other = await makeBlock(account.id, {
      reason: 'hotspot_source_ip',
      placedAt: new Date(Date.now() - 3600_000),
    });
    await refuseLift(await queuedLift(account.number, [refused.id], agent.email, ASKED), DISAGREES);
    return { agent, account, refused, other };
  }

  const card = async (
    agent: Awaited<ReturnType<typeof makeStaff>>,
    number: string,
    id: string,
    locale: 'en' | 'es',
  ) => {
    const view = (await getAccountForStaff(agent, number))!;
    const block = view.blocks.find((b) => b.id === id)!;
    return render(h(RefusedLift, { block, operations: view.operations }), locale);
  };

  it('on the refused block’s card, in English and Spanish, with when, who, the answer and the link', async () => {
    const { agent, account, refused, other } = await twoBlocksOneRefused();
    const en = await card(agent, account.number, refused.id, 'en');
    expect(en).toContain('role="status"');
    expect(en).toContain('href="#ops-title"');
    expect(text(en).trim()).toBe(
      `The switch refused the lift asked for on Dec 7, 2026, 5:35 PM GMT+0 by ${agent.email} (it answered with the other state): see Changes for the switch .`,
    );
    const es = text(await card(agent, account.number, refused.id, 'es')).trim();
    expect(es).toMatch(/^El switch rechazó el levantamiento solicitado el 7 dic 2026, 17:35 GMT\+0 por /);
    expect(es).toContain('(respondió con el otro estado): vea Cambios para el switch .');

    // Not on the other block's card: it was never asked to be lifted. Its live region waits, empty.
    const untouched = await card(agent, account.number, other.id, 'en');
    expect(untouched).toBe('<div role="status" aria-live="polite"></div>');
  });

  it('not once a later lift of the block is on its way, nor for a lifted block', async () => {
    const { agent, account, refused } = await twoBlocksOneRefused();
    await queuedLift(account.number, [refused.id], agent.email, new Date(ASKED.getTime() + 60_000));
    const view = (await getAccountForStaff(agent, account.number))!;
    expect(view.blocks.find((b) => b.id === refused.id)!.status).toBe('lift_pending');
    expect(text(await card(agent, account.number, refused.id, 'en')).trim()).toBe('');
    // Read by the operations alone: a later lift on its way answers first, even on an active card.
    expect(refusedLiftOf(refused.id, view.operations)).toBeNull();
    expect(refusedLiftOf(refused.id, view.operations.slice(1))).toMatchObject({ status: 'failed' });

    await db().block.update({ where: { id: refused.id }, data: { status: 'lifted', liftedAt: new Date() } });
    const lifted = (await getAccountForStaff(agent, account.number))!.blocks.find(
      (b) => b.id === refused.id,
    )!;
    expect(render(h(RefusedLift, { block: lifted, operations: view.operations.slice(1) }))).toBe('');
  });

  it('not for a lift Tollgate withdrew itself: the switch did not refuse it', async () => {
    const agent = await makeStaff();
    const { account } = await makeAccount();
    const block = await makeBlock(account.id);
    const op = await queuedLift(account.number, [block.id], 'policy', ASKED);
    await db().switchOperation.update({
      where: { id: op.id },
      data: { status: 'failed', lastError: 'superseded: suspect credential not changed since the block' },
    });
    await db().block.update({ where: { id: block.id }, data: { status: 'active' } });
    expect(text(await card(agent, account.number, block.id, 'en')).trim()).toBe('');
  });
});
