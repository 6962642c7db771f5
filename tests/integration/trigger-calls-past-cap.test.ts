import { beforeAll, describe, expect, it } from 'vitest';
import { liftIfRotated } from '@/lib/blocks/policy';
import { EVENT_BODY_LIMIT } from '@/lib/blocks/ingest';
import { MAX_KEPT_CALLS, MAX_STORED_CALLS } from '@/lib/blocks/trigger-calls';
import { submitMisdial } from '@/lib/requests/submit';
import { getDb } from '@/lib/server/db';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { asCustomer, makeAccount } from '@/tests/helpers/factory';
import { deliver, placedEvent } from '@/tests/helpers/switch-events';

// Review 9b: a block.placed kept its first 200 calls and only counted the rest, and everything that
// reads a block's calls reads the stored rows. A credential named only in call 201 was never asked
// for by the re-enabling policy (rotating the first credential lifted the block while the other kept
// its stolen password), and a destination dialled only in call 201 was accepted as a callback number.
// Past the first 200, every call naming a new credential or dialled number is now stored.

const meta = { ip: '192.0.2.44', userAgent: 'vitest' };

async function rotate(id: string) {
  await new Promise((r) => setTimeout(r, 5)); // after the block's createdAt on the portal's clock
  await getDb().sipCredential.update({ where: { id }, data: { passwordChangedAt: new Date() } });
}

describe.each(dialects())('trigger calls past the first %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a credential named only in call 201 is stored, and rotating the first alone does not lift', async () => {
    const { account, creds } = await makeAccount();
    const [reception, pbx] = creds;
    // An IRSF burst: 200 calls through one credential, then one through the other.
    const e = placedEvent(account.number, {
      from: [...Array(MAX_KEPT_CALLS).fill(reception.username), pbx.username],
    });
    expect((await deliver(e)).status).toBe(200);
    const db = getDb();
    const block = await db.block.findFirstOrThrow({
      where: { accountId: account.id },
      include: { calls: true },
    });
    expect({ kept: block.calls.length, notKept: block.callsNotKept }).toEqual({ kept: 201, notKept: 0 });
    expect(block.calls.filter((c) => c.sipUsername === pbx.username)).toHaveLength(1);

    await rotate(reception.id);
    expect(await db.$transaction((tx) => liftIfRotated(tx, account.id))).toEqual([]);
    expect((await db.block.findUniqueOrThrow({ where: { id: block.id } })).status).toBe('active');

    await rotate(pbx.id);
    expect(await db.$transaction((tx) => liftIfRotated(tx, account.id))).toEqual([block.id]);
  });

  it('past 200, calls naming only a stored credential and number are counted, not stored', async () => {
    const { account, creds } = await makeAccount();
    const from = [...Array(250).fill(creds[0].username), creds[1].username, creds[0].username];
    const e = placedEvent(account.number, { from });
    (e.data.calls as { to: string }[])[230].to = '+5378345678'; // a new destination at call 231
    expect((await deliver(e)).status).toBe(200);
    const block = await getDb().block.findFirstOrThrow({
      where: { accountId: account.id },
      include: { calls: { orderBy: { at: 'desc' } } },
    });
    // 200 first, call 231 (new number) and call 251 (new credential); 50 repeats counted.
    expect({ kept: block.calls.length, notKept: block.callsNotKept }).toEqual({ kept: 202, notKept: 50 });
    expect(new Set(block.calls.map((c) => c.to))).toEqual(new Set(['+252611234567', '+5378345678']));
  });

  it('refuses a callback number in a country the switch listed only at call 201', async () => {
    const { account, users, creds } = await makeAccount();
    const e = placedEvent(account.number, { from: Array(MAX_KEPT_CALLS + 1).fill(creds[0].username) });
    // The burst: 200 calls to Somalia, then one to Cuba.
    (e.data.calls as { to: string }[])[MAX_KEPT_CALLS].to = '+5378345678';
    expect((await deliver(e)).status).toBe(200);
    const block = await getDb().block.findFirstOrThrow({
      where: { accountId: account.id },
      include: { calls: true },
    });
    const r = await submitMisdial(
      asCustomer(users[0]),
      {
        blockId: block.id,
        'callIds[]': [block.calls[0].id],
        intendedNumber: '+1 252 611 2345',
        whatHappened: 'We typed 00252 instead of 1-252 for a supplier.',
        callbackPhone: '+53 7 834 5679',
      },
      meta,
    );
    expect(r).toMatchObject({
      ok: false,
      code: 'invalid',
      fieldErrors: { callbackPhone: expect.anything() },
    });
    expect(await getDb().unblockRequest.count({ where: { blockId: block.id } })).toBe(0);
  });

  it('a 1 MiB body of distinct numbers: 10,000 stored, then only new credentials and countries', async () => {
    const { account, creds } = await makeAccount();
    const e = placedEvent(account.number);
    // The smallest call naming a new number, as many as the route's 1 MiB allows, with three calls
    // near the end: a new credential, a new country (Cuba) and a new number in a country already named.
    const tail = [{ from: creds[1].username, to: 1 }, { to: '+5378345678' }, { to: '+252611234599' }];
    const calls: { to: number | string; from?: string }[] = [{ to: '+252611234567' }];
    let size = JSON.stringify(e).length + JSON.stringify(tail).length + 1;
    while (size + JSON.stringify({ to: calls.length }).length + 1 <= EVENT_BODY_LIMIT - 64) {
      size += JSON.stringify({ to: calls.length }).length + 1;
      calls.push({ to: calls.length });
    }
    calls.push(...tail);
    e.data.calls = calls;
    expect(JSON.stringify(e).length).toBeLessThanOrEqual(EVENT_BODY_LIMIT);
    expect(calls.length).toBeGreaterThan(80_000);
    expect((await deliver(e)).status).toBe(200);
    const block = await getDb().block.findFirstOrThrow({
      where: { accountId: account.id },
      include: { _count: { select: { calls: true } } },
    });
    expect(block._count.calls).toBe(MAX_STORED_CALLS + 2);
    expect(block._count.calls + block.callsNotKept).toBe(calls.length);
    const stored = (to: string) => getDb().triggerCall.count({ where: { blockId: block.id, to } });
    expect(await stored('+5378345678')).toBe(1);
    expect(await stored('+252611234599')).toBe(0);
    expect(
      await getDb().triggerCall.count({ where: { blockId: block.id, sipUsername: creds[1].username } }),
    ).toBe(1);
  });
});
