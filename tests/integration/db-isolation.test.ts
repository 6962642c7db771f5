import { monitorEventLoopDelay } from 'node:perf_hooks';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { holdWriteLock } from '@/tests/helpers/sqlite-lock';

// ISSUE 10 item 6: a statement of one request must never run inside another request's open
// transaction. With one SQLite connection it used to: a write made meanwhile was rolled back with the
// other transaction after reporting success, and a read saw the other transaction's uncommitted row.

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(dialects())('concurrent requests on %s', (dialect) => {
  beforeAll(async () => {
    await useFreshDb(dialect);
  });

  it('a write made while another transaction is open survives that transaction rolling back', async () => {
    const db = getDb();
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    const failing = db
      .$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'test.inside_rolled_back' } });
        opened();
        await sleep(300);
        throw new Error('roll back');
      })
      .catch((e: Error) => e.message);
    await isOpen;
    // Another request, meanwhile: it must not join the open transaction.
    // (.then starts it now: a PrismaPromise is lazy until something awaits it)
    const outside = db.auditLog.create({ data: { action: 'test.outside' } }).then(() => 'written');
    expect(await failing).toBe('roll back');
    expect(await outside).toBe('written');
    expect(await db.auditLog.count({ where: { action: 'test.outside' } })).toBe(1);
    expect(await db.auditLog.count({ where: { action: 'test.inside_rolled_back' } })).toBe(0);
  });

  it('a read made while another transaction is open never sees its uncommitted row', async () => {
    const db = getDb();
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    const failing = db
      .$transaction(async (tx) => {
        await tx.auditLog.create({ data: { action: 'test.uncommitted' } });
        opened();
        await sleep(300);
        throw new Error('roll back');
      })
      .catch(() => undefined);
    await isOpen;
    const seen = await db.auditLog.count({ where: { action: 'test.uncommitted' } });
    await failing;
    expect(seen).toBe(0);
  });

  it('a unique violation in one request does not roll back another request’s work', async () => {
    const db = getDb();
    await db.auditLog.create({ data: { action: 'test.before' } });
    const results = await Promise.allSettled([
      db.$transaction(async (tx) => {
        await tx.rateLimiterFlexible.create({ data: { key: 'dup', points: 1 } });
        await sleep(100);
        await tx.rateLimiterFlexible.create({ data: { key: 'dup', points: 2 } }); // P2002
      }),
      (async () => {
        await sleep(20);
        await db.auditLog.create({ data: { action: 'test.concurrent_ok' } });
      })(),
    ]);
    expect(results[0].status).toBe('rejected');
    expect(results[1].status).toBe('fulfilled');
    expect(await db.auditLog.count({ where: { action: 'test.concurrent_ok' } })).toBe(1);
    expect(await db.rateLimiterFlexible.count({ where: { key: 'dup' } })).toBe(0);
  });
});

describe('SQLite shared with another process', () => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb('sqlite');
  });

  it('a transaction that reads, then writes, waits for another process’s writer instead of failing', async () => {
    const holder = await holdWriteLock(sqlitePath(url), 400);
    const db = getDb();
    // Deferred BEGIN: the read takes a snapshot, the write then fails at once with SQLITE_BUSY.
    const result = await db.$transaction(async (tx) => {
      const before = await tx.auditLog.count({ where: { action: 'test.other_process' } });
      await tx.auditLog.create({ data: { action: 'test.read_then_write' } });
      return before;
    });
    await holder.exited;
    expect(result).toBe(1); // it began after the other writer committed, so it saw its row
    expect(await db.auditLog.count({ where: { action: 'test.read_then_write' } })).toBe(1);
  });
});

// The wait for another process's write lock is on timers (lib/server/db/serialized-sqlite.ts): the
// process keeps serving. Before, SQLite's busy handler waited inside the statement and the whole
// process stood still for as long as the other process held the lock, up to SQLITE_BUSY_TIMEOUT_MS.
describe('waiting for another process’s write lock on SQLite', () => {
  let file: string;
  beforeAll(async () => {
    process.env.SQLITE_BUSY_TIMEOUT_MS = '2000';
    file = sqlitePath(await useFreshDb('sqlite'));
  });

  /** `f`'s value and the longest the event loop stood still while it ran, in ms. */
  async function withStall<T>(f: () => Promise<T>): Promise<{ value: T; stallMs: number }> {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const value = await f();
    delay.disable();
    return { value, stallMs: delay.max / 1e6 };
  }
  const count = (action: string) => getDb().auditLog.count({ where: { action } });

  it('while it is held the process runs and reads answer; writes wait and then succeed, once each', async () => {
    const db = getDb();
    await db.auditLog.count(); // the connection is open
    const { value, stallMs } = await withStall(async () => {
      const holder = await holdWriteLock(file, 1500);
      const inTransaction = db.$transaction(async (tx) => {
        const seen = await tx.auditLog.count({ where: { action: 'test.other_process' } });
        await tx.auditLog.create({ data: { action: 'test.waited_in_transaction' } });
        return seen;
      });
      const single = db.auditLog.create({ data: { action: 'test.waited_alone' } });
      // Both writes wait now; a read answers meanwhile, before the other process commits its row.
      const readMeanwhile = await count('test.other_process');
      await holder.exited;
      return { readMeanwhile, seen: await inTransaction, single: await single };
    });
    expect(value.readMeanwhile).toBe(0);
    expect(value.seen).toBe(1); // the transaction began after the other process committed
    expect(value.single.action).toBe('test.waited_alone');
    expect(await count('test.waited_in_transaction')).toBe(1);
    expect(await count('test.waited_alone')).toBe(1);
    expect(stallMs).toBeLessThan(1000);
  });

  it('held past SQLITE_BUSY_TIMEOUT_MS, writes fail as before and leave nothing; the next ones work', async () => {
    const db = getDb();
    const { value, stallMs } = await withStall(async () => {
      // Held 2.5 s past the timeout: a write whose wait begins late (the machine busy with other test
      // files) must still time out before the lock is given up (CI97: held 2.8 s, the lone write's
      // wait began late enough that it outlived the lock and succeeded).
      const holder = await holdWriteLock(file, 4500);
      const began = performance.now();
      const [inTransaction, single] = await Promise.all([
        db
          .$transaction(async (tx) => {
            await tx.auditLog.create({ data: { action: 'test.timed_out_first' } });
            await tx.auditLog.create({ data: { action: 'test.timed_out_second' } });
          })
          .catch((e: unknown) => e),
        db.auditLog.create({ data: { action: 'test.timed_out_alone' } }).catch((e: unknown) => e),
      ]);
      const waitedMs = performance.now() - began;
      await holder.exited;
      return { inTransaction, single, waitedMs };
    });
    // The error of SQLite's busy timeout, as the adapter reports it (Prisma's "Operation has timed out").
    expect(value.inTransaction).toMatchObject({ code: 'P1008' });
    expect(value.single).toMatchObject({ code: 'P1008' });
    expect(value.waitedMs).toBeGreaterThanOrEqual(1900);
    expect(stallMs).toBeLessThan(1000);
    for (const action of ['test.timed_out_first', 'test.timed_out_second', 'test.timed_out_alone'])
      expect(await count(action)).toBe(0);
    // Nothing of the failed wait is left holding the connection.
    await db.$transaction((tx) => tx.auditLog.create({ data: { action: 'test.after_timeout' } }));
    await db.auditLog.create({ data: { action: 'test.after_timeout' } });
    expect(await count('test.after_timeout')).toBe(2);
  });
});
