import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ingestSwitchEvent } from '@/lib/blocks/ingest';
import { getDb } from '@/lib/server/db';
import { signEvent } from '@/lib/switch/signature';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';
import { placedEvent, type TestEvent } from '@/tests/helpers/switch-events';
import { appSimPerFile, type TestSim } from '@/tests/switch/sim-fixture';

// An event id received again with another body is refused (409 event_id_reused) in every state of
// the inbox row under the id: done (`processed`: tests/integration/switch-event-id-reuse.test.ts),
// waiting for the switch's state or for its account (`received`, `unknown_account`), or being
// stored by a concurrent delivery. Until 2026-12-07 the claim (lib/blocks/event-sql.ts claimSql)
// took a `received` row whatever its body: another event under the id was applied in its place.

let sim: TestSim;
appSimPerFile((s) => (sim = s));

const secret = process.env.SWITCH_WEBHOOK_SECRET!;
/** Delivers `raw` as the switch would (signed now), through the route's domain entry point. */
const send = (raw: string) => ingestSwitchEvent(raw, signEvent(secret, raw), secret);
const inboxRow = (id: string) => getDb().switchEvent.findUniqueOrThrow({ where: { id } });
const blocksOf = (id: string) => getDb().block.findMany({ where: { sourceEventId: id } });
const unknownNumber = () => `ACC-${crypto.randomInt(10 ** 11, 10 ** 12)}`;
const reused = (body: TestEvent, id: string) => JSON.stringify({ ...body, id });
const refused = { status: 409, body: { error: { code: 'event_id_reused' } } };

/** The same event written by another serialiser: keys reversed at the top, indented, with a BOM. */
const reserialised = (e: TestEvent) =>
  `\uFEFF${JSON.stringify(Object.fromEntries(Object.entries(e).reverse()), null, 2)}`;

/**
 * A placement older than its account's last change while the switch cannot be read: answered 503
 * and kept `received`, waiting for the switch's state (lib/blocks/ingest.ts, the `GET` refused).
 */
async function waitingForSwitch() {
  const made = await makeAccount();
  const changed = new Date(Date.now() - 10_000);
  await getDb().customerAccount.update({
    where: { id: made.account.id },
    data: { switchChangedAt: changed },
  });
  const event = placedEvent(made.account.number, {
    at: new Date(changed.getTime() - 60_000),
    from: [made.creds[0]!.username],
  });
  return { ...made, event, raw: JSON.stringify(event) };
}

const failReads = () => sim.control('PUT', '/_sim/faults', { failNext: 1000, method: 'GET' });
const mendReads = () => sim.control('DELETE', '/_sim/faults');

describe.each(dialects())(
  'an event id reused with another body, in every state of its row, on %s',
  (dialect) => {
    beforeAll(async () => {
      await useFreshDb(dialect);
    });

    it('a row waiting for the switch’s state is not claimed by another body; the same event in other bytes claims it', async () => {
      const first = await waitingForSwitch();
      await failReads();
      try {
        expect(await send(first.raw)).toMatchObject({ status: 503 });
      } finally {
        await mendReads();
      }
      expect(await inboxRow(first.event.id)).toMatchObject({ status: 'received', body: first.raw });

      // A new block on another account under the id: refused, whether the switch can be read or not.
      const other = await makeAccount();
      const otherRaw = reused(
        placedEvent(other.account.number, { from: [other.creds[0]!.username] }),
        first.event.id,
      );
      expect(await send(otherRaw)).toMatchObject(refused);
      // On the same account, newer than its last change (so nothing to wait for): refused too.
      const sameAccount = reused(placedEvent(first.account.number), first.event.id);
      expect(await send(sameAccount)).toMatchObject(refused);
      expect(await inboxRow(first.event.id)).toMatchObject({ status: 'received', body: first.raw });
      expect(
        await getDb().block.count({ where: { accountId: { in: [other.account.id, first.account.id] } } }),
      ).toBe(0);
      expect(
        (await getDb().customerAccount.findUniqueOrThrow({ where: { id: other.account.id } }))
          .switchChangedAt,
      ).toBeNull();
      expect(
        await getDb().auditLog.count({
          where: { action: 'switch.event.id_reused', targetId: first.event.id },
        }),
      ).toBe(2);

      // The switch's retry of the first event, serialised again, once its state can be read: applied,
      // under the bytes first stored.
      await sim.control('PUT', `/_sim/accounts/${first.account.number}`, {
        internationalCalling: 'blocked',
        reason: 'high_risk_destination',
        blockedAt: first.event.occurredAt,
        credentials: [],
      });
      expect(await send(reserialised(first.event))).toEqual({
        status: 200,
        body: { received: true, duplicate: false },
      });
      expect(await inboxRow(first.event.id)).toMatchObject({ status: 'processed', body: first.raw });
      expect((await blocksOf(first.event.id)).map((b) => b.accountId)).toEqual([first.account.id]);
      expect(await send(otherRaw)).toMatchObject(refused);
    });

    it('a row kept for an unknown account is not claimed by another body, known account or not', async () => {
      const missing = placedEvent(unknownNumber(), { from: ['sip-nobody'] });
      const raw = JSON.stringify(missing);
      expect(await send(raw)).toMatchObject({ status: 404 });
      expect(await inboxRow(missing.id)).toMatchObject({ status: 'unknown_account', body: raw });

      const known = await makeAccount();
      expect(await send(reused(placedEvent(known.account.number), missing.id))).toMatchObject(refused);
      expect(await send(reused(placedEvent(unknownNumber()), missing.id))).toMatchObject(refused);
      expect(await inboxRow(missing.id)).toMatchObject({ status: 'unknown_account', body: raw });
      expect(await getDb().block.count({ where: { accountId: known.account.id } })).toBe(0);
      // The event itself, sent again, is still waiting for its account.
      expect(await send(reserialised(missing))).toMatchObject({ status: 404 });
    });

    it('two deliveries racing with one id and different bodies: exactly one body is stored and applied, the other is 409', async () => {
      const kinds = ['two accounts', 'one account', 'one waits for the switch'] as const;
      await failReads(); // the waiting kind's read fails: it stays `received` if it wins
      try {
        for (let round = 0; round < 12; round++) {
          const kind = kinds[round % kinds.length];
          const waiting = kind === 'one waits for the switch' ? await waitingForSwitch() : null;
          const a = waiting ?? (await makeAccount());
          const b = kind === 'one account' ? a : await makeAccount();
          const first = waiting?.event ?? placedEvent(a.account.number, { from: [a.creds[0]!.username] });
          const second = {
            ...placedEvent(b.account.number, {
              from: [b.creds[1]!.username],
              at: new Date(Date.now() + 1000),
            }),
            id: first.id,
          };
          const bodies = [JSON.stringify(first), JSON.stringify(second)];
          // Alternately first, so either may be the one to store its row.
          const order = round % 2 ? [1, 0] : [0, 1];
          const answers = await Promise.all(order.map((i) => send(bodies[i]!)));
          const byBody = order.map((i, k) => [i, answers[k]!] as const).sort(([x], [y]) => x - y);
          const statuses = byBody.map(([, r]) => r.status);
          const winner = statuses.findIndex((s) => s !== 409);
          expect(
            statuses.filter((s) => s === 409),
            `${kind}: ${JSON.stringify(byBody)}`,
          ).toHaveLength(1);
          const row = await inboxRow(first.id);
          expect(row.body, kind).toBe(bodies[winner]);
          const applied = await blocksOf(first.id);
          const winnerAccount = [a, b][winner]!.account.id;
          if (statuses[winner] === 200) {
            expect(row.status).toBe('processed');
            expect(applied.map((x) => x.accountId)).toEqual([winnerAccount]);
          } else {
            expect([statuses[winner], row.status]).toEqual([503, 'received']);
            expect(applied).toEqual([]);
          }
          if (kind !== 'one account') {
            const loser = [a, b][1 - winner]!.account.id;
            expect(await getDb().block.count({ where: { accountId: loser } })).toBe(0);
          }
        }
      } finally {
        await mendReads();
      }
    });
  },
);

describe('the reused-id check costs a new event no statement (issue 14, goal 5), on SQLite', () => {
  beforeAll(() => useFreshDb('sqlite'));

  // better-sqlite3 runs every statement the adapter or the event path's raw SQL sends as a
  // Statement's all, run or get (lib/server/db/serialized-sqlite.ts): each call is one statement.
  const counted = async (raw: string) => {
    const proto = Object.getPrototypeOf(new Database(':memory:').prepare('SELECT 1')) as Record<
      'all' | 'run' | 'get',
      (...args: unknown[]) => unknown
    >;
    const spies = (['all', 'run', 'get'] as const).map((m) => vi.spyOn(proto, m));
    const answer = await send(raw);
    const n = spies.reduce((sum, s) => sum + s.mock.calls.length, 0);
    spies.forEach((s) => s.mockRestore());
    return { answer, n };
  };

  it('a new block and a copy each run one statement fewer than with the read before the transaction', async () => {
    const warm = await makeAccount({ members: [] });
    await send(JSON.stringify(placedEvent(warm.account.number))); // statements prepared
    const { account } = await makeAccount({ members: [] });
    const e = placedEvent(account.number);
    const fresh = await counted(JSON.stringify(e));
    expect(fresh.answer).toMatchObject({ status: 200, body: { duplicate: false } });
    // BEGIN IMMEDIATE, the account's lock, the claim, the read after the lock, the block, its timeline
    // and its audit row (no members: no mail), COMMIT. With the id read before the transaction
    // (2026-12-07, until this check moved into it): 9.
    expect(fresh.n).toBe(8);
    const copy = await counted(JSON.stringify(e));
    expect(copy.answer).toMatchObject({ status: 200, body: { duplicate: true } });
    // BEGIN IMMEDIATE, the lock, the claim, the stored row (compared), COMMIT; 6 with the read before.
    expect(copy.n).toBe(5);
  });
});
