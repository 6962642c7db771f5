import { describe, expect, it } from 'vitest';
import { backoffMs, claimDue, drain, type OutboxTable, reschedule } from '@/lib/server/outbox';

// The one outbox runner (lib/server/outbox.ts). Its use on the real tables is covered by
// tests/integration/switch-outbox.test.ts and the mail tests; here, its own rules on a table double.

type Row = { id: string };
function table(rows: Row[], taken: Set<string> = new Set()) {
  const updates: { where: Record<string, unknown>; data: Record<string, unknown> }[] = [];
  const t: OutboxTable<Row> = {
    async findMany() {
      return rows;
    },
    async updateMany(args) {
      updates.push(args);
      return { count: taken.has(String(args.where.id)) ? 0 : 1 };
    },
  };
  return { t, updates };
}

describe('outbox runner', () => {
  // [attempts, random(), delay]: half the ceiling fixed, half random; base 1 s, ceiling 5 min.
  it.each([
    [0, 0, 500],
    [0, 0.999_999, 1000],
    [3, 0, 4000],
    [30, 0, 150_000],
    [30, 0.999_999, 300_000],
  ])(
    'backs off exponentially with equal jitter, capped, never 0: attempts %i, random %d -> %i ms',
    (attempts, r, ms) => expect(backoffMs(attempts, 1000, 300_000, () => r)).toBe(ms),
  );

  it('claims the first due row no other worker took, with a lease and optionally an attempt', async () => {
    const now = new Date('2026-11-30T12:00:00Z');
    const { t, updates } = table([{ id: 'a' }, { id: 'b' }], new Set(['a']));
    const row = await claimDue(t, 'me', 60_000, { now, countAttempt: true });
    expect(row).toEqual({ id: 'b' });
    expect(updates).toHaveLength(2);
    expect(updates[1].data).toEqual({
      leaseOwner: 'me',
      leaseUntil: new Date('2026-11-30T12:01:00Z'),
      attempts: { increment: 1 },
    });
    // the claim only takes a row that is still pending and not leased by someone else
    expect(updates[1].where).toMatchObject({
      id: 'b',
      status: 'pending',
      OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }],
    });
  });

  it('returns null when every due row was taken', async () => {
    const { t } = table([{ id: 'a' }], new Set(['a']));
    expect(await claimDue(t, 'me', 1000)).toBeNull();
  });

  it('reschedules only while the owner holds the lease, releasing it and keeping a short error', async () => {
    const { t, updates } = table([]);
    expect(await reschedule(t, 'a', { owner: 'me', delayMs: 1000, error: 'x'.repeat(900) })).toBe(true);
    expect(updates[0].where).toEqual({ id: 'a', status: 'pending', leaseOwner: 'me' });
    expect(updates[0].data).toMatchObject({ leaseOwner: null, leaseUntil: null });
    expect(String(updates[0].data.lastError)).toHaveLength(500);
  });

  it('drains until no row is due or max, counting what the handler did', async () => {
    const queue = ['a', 'b', 'c'];
    const handled: string[] = [];
    const done = await drain(
      async () => queue.shift() ?? null,
      async (r) => (handled.push(r), r !== 'b'),
    );
    expect(handled).toEqual(['a', 'b', 'c']);
    expect(done).toBe(2);
    expect(
      await drain(
        async () => 'again',
        async () => true,
        3,
      ),
    ).toBe(3);
  });
});
