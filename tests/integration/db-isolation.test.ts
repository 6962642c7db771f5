import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';

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
    // Another process (a CLI command, a second portal, a test factory) holds the write lock for 400 ms.
    // better-sqlite3 waits synchronously, so the holder must be another process, not a promise here.
    const holder = spawn(
      process.execPath,
      [
        '-e',
        `const db = new (require('better-sqlite3'))(process.argv[1]);
         db.exec("BEGIN IMMEDIATE; INSERT INTO AuditLog (id, at, action) VALUES ('held', 0, 'test.other_process')");
         console.log('holding');
         setTimeout(() => { db.exec('COMMIT'); db.close(); }, 400);`,
        sqlitePath(url),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await once(holder.stdout, 'data');
    const db = getDb();
    // Deferred BEGIN: the read takes a snapshot, the write then fails at once with SQLITE_BUSY.
    const result = await db.$transaction(async (tx) => {
      const before = await tx.auditLog.count({ where: { action: 'test.other_process' } });
      await tx.auditLog.create({ data: { action: 'test.read_then_write' } });
      return before;
    });
    await once(holder, 'exit');
    expect(result).toBe(1); // it began after the other writer committed, so it saw its row
    expect(await db.auditLog.count({ where: { action: 'test.read_then_write' } })).toBe(1);
  });
});
