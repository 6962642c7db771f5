import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { getDb } from '@/lib/server/db';
import { useFreshDb } from '@/tests/helpers/db';

// Issue 14: the SQLite adapter prepared every query's statement again (1.0 ms of a block page's
// 26 ms of CPU). lib/server/db/serialized-sqlite.ts now prepares each SQL text once per connection
// and hands the adapter a fresh binding of it each time; these tests hold it to giving the same
// answers as before.

describe('prepared statements on SQLite', () => {
  const prepare = vi.spyOn(Database.prototype, 'prepare');

  beforeAll(async () => {
    await useFreshDb('sqlite'); // the next getDb() opens a connection whose prepare is the spy
  });
  afterAll(() => prepare.mockRestore());

  const texts = () => prepare.mock.calls.map(([sql]) => sql as string);

  it('prepares a query text once, however often it runs', async () => {
    const db = getDb();
    await db.user.create({ data: { email: 'once@example.test', name: 'Once' } });
    prepare.mockClear();
    for (let i = 0; i < 20; i++) await db.user.findUnique({ where: { email: 'once@example.test' } });
    const selects = texts().filter((t) => t.includes('`main`.`User`'));
    expect(selects).toHaveLength(1);
  });

  it('gives each run its own values, interleaved and in parallel', async () => {
    const db = getDb();
    const emails = Array.from({ length: 12 }, (_, i) => `user${i}@example.test`);
    const both = [...emails, ...[...emails].reverse()];
    for (const email of emails) await db.user.create({ data: { email, name: email.split('@')[0] } });
    const found = await Promise.all(both.map((email) => db.user.findUnique({ where: { email } })));
    expect(found.map((u) => u?.name)).toEqual(both.map((e) => e.split('@')[0]));
    // No values at all, then values again, through the same text.
    expect(await db.user.count()).toBe(13);
    expect(await db.user.count({ where: { email: { in: emails.slice(0, 3) } } })).toBe(3);
    expect(await db.user.count({ where: { email: { in: emails.slice(3, 5) } } })).toBe(2);
  });

  it('a statement that failed runs again with other values', async () => {
    const db = getDb();
    await expect(
      db.user.create({ data: { email: 'once@example.test', name: 'Twice' } }),
    ).rejects.toMatchObject({ code: 'P2002' });
    const made = await db.user.create({ data: { email: 'other@example.test', name: 'Other' } });
    expect(made.name).toBe('Other');
    expect((await db.user.findUnique({ where: { email: 'once@example.test' } }))?.name).toBe('Once');
  });

  it('transactions still begin IMMEDIATE, commit and roll back', async () => {
    const db = getDb();
    prepare.mockClear();
    await db.$transaction(async (tx) => {
      await tx.user.update({ where: { email: 'other@example.test' }, data: { name: 'Committed' } });
    });
    await db
      .$transaction(async (tx) => {
        await tx.user.update({ where: { email: 'other@example.test' }, data: { name: 'Rolled back' } });
        throw new Error('roll back');
      })
      .catch(() => undefined);
    expect((await db.user.findUnique({ where: { email: 'other@example.test' } }))?.name).toBe('Committed');
    expect(texts()).not.toContain('BEGIN');
    // Prepared once, by the first of the two transactions (or earlier in this file's connection).
    expect(texts().filter((t) => t === 'BEGIN IMMEDIATE').length).toBeLessThanOrEqual(1);
  });

  it('keeps temporary b-trees in memory (PRAGMA temp_store = MEMORY)', async () => {
    // 2 = MEMORY (https://www.sqlite.org/pragma.html#pragma_temp_store); SQLite's default 0 makes a
    // file for every sort no index gives.
    const rows = await getDb().$queryRawUnsafe<{ temp_store: bigint | number }[]>('PRAGMA temp_store');
    expect(Number(rows[0].temp_store)).toBe(2);
  });
});
