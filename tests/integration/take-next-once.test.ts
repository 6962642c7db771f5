import crypto from 'node:crypto';
import { createElement as h } from 'react';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { form, session } from '@/tests/helpers/action-edge';

// "Take next request" takes one request per press, even when the form is sent twice
// (lib/requests/take-next.ts, lib/requests/actions.ts takeNextAction). Without JavaScript a
// double-click sent the form twice, and each send took a request: the browser opened the second, and
// the first stayed held by the agent, unseen, for 20 minutes; a resend after a lost answer did the
// same. Each render of the form now carries an idempotency key (components/staff/next-request-link.tsx),
// the take's transaction records the request it took under it, and a resend of the same render opens
// that request again. Through the real action wrapper (role, second factor, zod, key) to the database
// of each dialect; the session and request headers are the edge (tests/helpers/action-edge.ts).

// Two sends "at the same instant" that really overlap: while `gate.open` is false, each look for a
// receipt waits until `gate.sends` sends have looked, so every one of them finds none and goes on to
// take (a resend after that is answered from the receipt before it takes, and proves less).
const gate = vi.hoisted(() => ({ open: true, sends: 2, waiting: [] as (() => void)[] }));
vi.mock('@/lib/server/idempotency', async (importOriginal) => {
  const real = await importOriginal<typeof import('@/lib/server/idempotency')>();
  return {
    ...real,
    findReceipt: async (...args: Parameters<typeof real.findReceipt>) => {
      const found = await real.findReceipt(...args);
      if (gate.open) return found;
      await new Promise<void>((go) => {
        gate.waiting.push(go);
        if (gate.waiting.length < gate.sends) return;
        gate.open = true;
        for (const w of gate.waiting.splice(0)) w();
      });
      return found;
    },
  };
});

const { takeNextAction } = await import('@/lib/requests/actions');
const { releaseRequest } = await import('@/lib/requests/claim');
const { NextRequestLink } = await import('@/components/staff/next-request-link');
const { pruneReceipts, RECEIPT_TTL_MS } = await import('@/lib/server/idempotency');
const { getDb } = await import('@/lib/server/db');
const { dialects, useFreshDb } = await import('@/tests/helpers/db');
const { makeAccount, makeBlock, makeRequest, makeStaff } = await import('@/tests/helpers/factory');
const { inPage, renderHtml } = await import('@/tests/helpers/posted-form');

const meta = { ip: '192.0.2.1', userAgent: 'vitest' };
const at = (minute: number) => new Date(Date.UTC(2003, 0, 1, 0, minute));
const MISDIAL = 'kind=misdial&reason=hotspot_source_ip';

/**
 * Where a post of the form went: the path of the redirect the action ended in (Next's throw, its
 * digest `NEXT_REDIRECT;<type>;<path>;<status>;`), or the form state it answered with instead.
 */
async function answer(sent: Promise<unknown>): Promise<string | { ok?: boolean; message?: string }> {
  try {
    return (await sent) as { ok?: boolean; message?: string };
  } catch (e) {
    const digest = String((e as { digest?: string }).digest ?? '');
    if (!digest.startsWith('NEXT_REDIRECT;')) throw e;
    return digest.split(';').slice(2, -2).join(';');
  }
}

/** The "Take next request" form of one render on the misdial desk: the filter and that render's key. */
const rendered = (key = crypto.randomUUID()) => ({
  kind: 'misdial',
  reason: 'hotspot_source_ip',
  idempotencyKey: key,
});

describe.each(dialects())('"Take next request" sent twice on %s', (dialect) => {
  beforeAll(() => useFreshDb(dialect));
  beforeEach(async () => {
    session.user = null;
    gate.open = true;
    // Every waiting request decided: each test's desk holds only what it makes.
    const db = getDb();
    await db.unblockRequest.updateMany({ where: { status: 'pending' }, data: { status: 'denied' } });
    await db.destinationAllowance.updateMany({ where: { status: 'requested' }, data: { status: 'denied' } });
  });

  /** Waiting misdial requests (hotspot blocks), made at minutes 1, 2, … in that order. */
  async function misdials(count: number) {
    const out = [];
    for (let i = 1; i <= count; i++) {
      const { account, users } = await makeAccount();
      const block = await makeBlock(account.id, { reason: 'hotspot_source_ip' });
      out.push(await makeRequest(block, users[0].id, { createdAt: at(i) }));
    }
    return out;
  }

  const page = (id: string) => `/staff/requests/${id}?${MISDIAL}`;
  const holders = async (ids: string[]) =>
    (
      await getDb().unblockRequest.findMany({
        where: { id: { in: ids } },
        select: { id: true, claimedById: true },
        orderBy: { createdAt: 'asc' },
      })
    ).map((r) => r.claimedById);
  /** The audit rows of takes by `actorId` (a renewal is one too: `renewed` in its detail). */
  const takes = (actorId: string) =>
    getDb().auditLog.findMany({ where: { actorId, action: { in: ['request.taken', 'allowance.taken'] } } });

  it('sent twice one after the other: one request taken and audited, both answers open it; a new render takes the next', async () => {
    const [first, second, third] = await misdials(3);
    const agent = await makeStaff();
    session.user = agent;
    const sent = rendered();

    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));
    // The answer was lost (or the button was pressed twice): the same render's form again.
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));
    expect(await holders([first.id, second.id, third.id])).toEqual([agent.id, null, null]);
    const rows = await takes(agent.id);
    expect(rows.map((r) => [r.action, r.targetId])).toEqual([['request.taken', first.id]]);
    expect(JSON.parse(rows[0].detail!)).not.toHaveProperty('renewed');
    expect(await getDb().formReceipt.count({ where: { userId: agent.id } })).toBe(1);

    // A new render of the page (the one the answer opened) has a new key: the next request.
    expect(await answer(takeNextAction(undefined, form(rendered())))).toBe(page(second.id));
    expect(await holders([first.id, second.id, third.id])).toEqual([agent.id, agent.id, null]);
    expect(await takes(agent.id)).toHaveLength(2);
  });

  it('sent twice at the same instant: one request taken and audited, both answers open it', async () => {
    const [first, second] = await misdials(2);
    const agent = await makeStaff();
    session.user = agent;
    const sent = rendered();

    gate.open = false;
    const answers = await Promise.all([
      answer(takeNextAction(undefined, form(sent))),
      answer(takeNextAction(undefined, form(sent))),
    ]);
    expect(answers).toEqual([page(first.id), page(first.id)]);
    expect(await holders([first.id, second.id])).toEqual([agent.id, null]);
    // One take: not a second one, nor a renewal of the first by the second send.
    expect((await takes(agent.id)).map((r) => [r.action, r.targetId])).toEqual([['request.taken', first.id]]);
  });

  it('on the allowance desk, at the same instant: one allowance request taken, both answers open its card', async () => {
    const db = getDb();
    const made = [];
    for (const minute of [1, 2]) {
      const { account } = await makeAccount();
      const a = await db.destinationAllowance.create({
        data: {
          accountId: account.id,
          country: 'SO',
          hours: 4,
          reason: 'Supplier in Mogadishu.',
          createdAt: at(minute),
        },
      });
      made.push({ account, a });
    }
    const agent = await makeStaff();
    session.user = agent;
    const sent = { kind: 'allowance', idempotencyKey: crypto.randomUUID() };

    gate.open = false;
    const answers = await Promise.all([
      answer(takeNextAction(undefined, form(sent))),
      answer(takeNextAction(undefined, form(sent))),
    ]);
    const card = `/staff/accounts/${encodeURIComponent(made[0].account.number)}?kind=allowance#allowance-${made[0].a.id}`;
    expect(answers).toEqual([card, card]);
    const claimed = await db.destinationAllowance.findMany({
      where: { id: { in: made.map((m) => m.a.id) } },
      orderBy: { createdAt: 'asc' },
      select: { claimedById: true },
    });
    expect(claimed.map((c) => c.claimedById)).toEqual([agent.id, null]);
    expect((await takes(agent.id)).map((r) => [r.action, r.targetId])).toEqual([
      ['allowance.taken', made[0].a.id],
    ]);
  });

  it('a resend after the request was released or decided opens that request, and takes nothing', async () => {
    const [first, second] = await misdials(2);
    const agent = await makeStaff();
    session.user = agent;
    const sent = rendered();
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));

    // Released: it is the oldest free one again, but the resend is no new press.
    expect((await releaseRequest(agent, { requestId: first.id }, meta)).ok).toBe(true);
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));
    expect(await holders([first.id, second.id])).toEqual([null, null]);
    // Decided meanwhile: its page shows that; nothing else is taken.
    await getDb().unblockRequest.update({ where: { id: first.id }, data: { status: 'denied' } });
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));
    expect(await holders([second.id])).toEqual([null]);
    expect(await takes(agent.id)).toHaveLength(1);
  });

  it('keys are the caller’s: another agent sending the same key takes a request of their own', async () => {
    const [first, second] = await misdials(2);
    const [ana, ben] = [await makeStaff(), await makeStaff()];
    const sent = rendered();
    session.user = ana;
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));
    session.user = ben;
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(second.id));
    expect(await holders([first.id, second.id])).toEqual([ana.id, ben.id]);
    // And Ben's resend is answered from Ben's receipt.
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(second.id));
    expect(await takes(ben.id)).toHaveLength(1);
  });

  it('the same key with another filter is told so and takes nothing; a receipt past its 24 hours answers no more', async () => {
    const [first, second, third] = await misdials(3);
    const agent = await makeStaff();
    session.user = agent;
    const sent = rendered();
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(first.id));
    expect(await answer(takeNextAction(undefined, form({ ...sent, reason: 'manual' })))).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^This form was already sent at .+ nothing was changed now/),
    });
    expect(await holders([second.id, third.id])).toEqual([null, null]);

    // A day later (the receipt lapsed and was pruned), the same form is a new press.
    const receipt = { userId: agent.id, key: sent.idempotencyKey };
    const lapsed = new Date(Date.now() - RECEIPT_TTL_MS - 60_000);
    await getDb().formReceipt.updateMany({ where: receipt, data: { createdAt: lapsed, expiresAt: lapsed } });
    expect(await pruneReceipts()).toBeGreaterThanOrEqual(1);
    expect(await answer(takeNextAction(undefined, form(sent)))).toBe(page(second.id));
  });

  it('a form without a key (a page rendered before the key) takes as before: each send a request', async () => {
    const [first, second] = await misdials(2);
    const agent = await makeStaff();
    session.user = agent;
    const { idempotencyKey: _none, ...keyless } = rendered();
    expect(await answer(takeNextAction(undefined, form(keyless)))).toBe(page(first.id));
    expect(await answer(takeNextAction(undefined, form(keyless)))).toBe(page(second.id));
    expect(await getDb().formReceipt.count({ where: { userId: agent.id } })).toBe(0);
  });
});

describe('the button’s form', () => {
  it('carries a key of its own in each render', async () => {
    const keys = async () => {
      const html = await renderHtml(inPage(h(NextRequestLink, { href: `/staff/requests/next?${MISDIAL}` })));
      return [...html.matchAll(/name="idempotencyKey" value="([^"]*)"/g)].map((m) => m[1]);
    };
    const [one, two] = [await keys(), await keys()];
    expect(one).toEqual([
      expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/),
    ]);
    expect(two).toHaveLength(1);
    expect(two[0]).not.toBe(one[0]);
  });
});
