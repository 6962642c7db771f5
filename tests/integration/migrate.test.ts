import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { migrate } from '@/lib/server/db/migrate';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, freshDatabase } from '@/tests/helpers/db';
import { holdWriteLock } from '@/tests/helpers/sqlite-lock';

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-mig-'));
  fs.cpSync(path.resolve('prisma/migrations'), dir, { recursive: true });
  return dir;
}

describe.each(dialects())('migrations on %s', (dialect) => {
  it('a second run applies nothing', async () => {
    const url = await freshDatabase(dialect);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toBeGreaterThan(0);
  });

  it('refuses an applied file that changed, and applies a new one exactly once', async () => {
    const dir = copyMigrations();
    const url = await freshDatabase(dialect);
    fs.writeFileSync(
      path.join(dir, dialect, '9999_probe.sql'),
      'CREATE TABLE "Probe" ("id" INTEGER NOT NULL);\n',
    );
    expect((await migrate(url, dir)).applied).toEqual(['9999_probe.sql']);
    expect((await migrate(url, dir)).applied).toEqual([]);
    fs.appendFileSync(path.join(dir, dialect, '0001_init.sql'), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls back a failing migration as a whole', async () => {
    const dir = copyMigrations();
    const url = await freshDatabase(dialect);
    fs.writeFileSync(
      path.join(dir, dialect, '9998_broken.sql'),
      'CREATE TABLE "Half" ("id" INTEGER);\nTHIS IS NOT SQL;\n',
    );
    await expect(migrate(url, dir)).rejects.toThrow();
    fs.writeFileSync(path.join(dir, dialect, '9998_broken.sql'), 'CREATE TABLE "Half" ("id" INTEGER);\n');
    // The table from the failed attempt does not exist, so the fixed file applies cleanly.
    expect((await migrate(url, dir)).applied).toEqual(['9998_broken.sql']);
  });

  it("0013 starts the portal's clock from the switch's, never later than now", async () => {
    const dir = copyMigrations();
    const later = fs.readdirSync(path.join(dir, dialect)).filter((f) => f >= '0013');
    const held = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-mig-held-'));
    for (const f of later) fs.renameSync(path.join(dir, dialect, f), path.join(held, f));
    const url = await freshDatabase(dialect, dir);
    const past = new Date(Date.now() - 3_600_000);
    const ahead = new Date(Date.now() + 2 * 3_600_000); // a switch clock that ran ahead
    const rows: [string, Date | null][] = [
      ['ACC-PAST', past],
      ['ACC-AHEAD', ahead],
      ['ACC-NEVER', null],
    ];
    const sql = (run: (text: string, values: unknown[]) => Promise<unknown[]>) => ({
      insert: () =>
        Promise.all(
          rows.map(([n, at]) =>
            run(
              dialect === 'sqlite'
                ? 'INSERT INTO "CustomerAccount" ("id", "number", "name", "switchChangedAt") VALUES (?, ?, ?, ?)'
                : 'INSERT INTO "CustomerAccount" ("id", "number", "name", "switchChangedAt") VALUES ($1, $2, $3, $4)',
              // Stored as Prisma stores them: ISO-8601 text with +00:00 on SQLite, UTC timestamps on PostgreSQL.
              [
                n,
                n,
                n,
                at && (dialect === 'sqlite' ? at.toISOString().replace('Z', '+00:00') : at.toISOString()),
              ],
            ),
          ),
        ),
      read: () =>
        run(
          dialect === 'sqlite'
            ? 'SELECT "number", "switchAppliedAt" FROM "CustomerAccount"'
            : // A timestamp without time zone holds UTC here; as text, so no driver reads it as local time.
              `SELECT "number", to_char("switchAppliedAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "switchAppliedAt" FROM "CustomerAccount"`,
          [],
        ),
    });
    let q: ReturnType<typeof sql>;
    let close: () => Promise<void>;
    if (dialect === 'sqlite') {
      const file = new Database(sqlitePath(url));
      q = sql(async (text, values) =>
        text.startsWith('SELECT') ? file.prepare(text).all(...values) : [file.prepare(text).run(...values)],
      );
      close = async () => void file.close();
    } else {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      q = sql(async (text, values) => (await client.query(text, values)).rows);
      close = () => client.end();
    }
    await q.insert();
    for (const f of later) fs.renameSync(path.join(held, f), path.join(dir, dialect, f));
    const before = Date.now();
    expect((await migrate(url, dir)).applied).toEqual(later);
    const after = Date.now();
    const applied = Object.fromEntries(
      ((await q.read()) as { number: string; switchAppliedAt: string | Date | null }[]).map((r) => [
        r.number,
        r.switchAppliedAt === null ? null : new Date(r.switchAppliedAt).getTime(),
      ]),
    );
    await close();
    expect(applied['ACC-PAST']).toBe(past.getTime());
    expect(applied['ACC-NEVER']).toBeNull();
    // Capped at the migration's now, not two hours ahead.
    expect(applied['ACC-AHEAD']).toBeGreaterThanOrEqual(before - 1000);
    expect(applied['ACC-AHEAD']).toBeLessThanOrEqual(after + 1000);
  });
});

describe('migrations on sqlite, with another process holding the write lock', () => {
  // The migrator waits for a backup, the admin CLI or a second instance as long as the portal's own
  // statements do (SQLITE_BUSY_TIMEOUT_MS), not a fixed 10 s: a short setting fails soon, a longer one waits.
  it('waits SQLITE_BUSY_TIMEOUT_MS, then fails having applied nothing', async () => {
    const dir = copyMigrations();
    const url = await freshDatabase('sqlite');
    fs.writeFileSync(path.join(dir, 'sqlite', '9997_probe.sql'), 'CREATE TABLE "Probe" ("id" INTEGER);\n');
    const saved = process.env.SQLITE_BUSY_TIMEOUT_MS;
    try {
      process.env.SQLITE_BUSY_TIMEOUT_MS = '100';
      const holder = await holdWriteLock(sqlitePath(url), 1000);
      await expect(migrate(url, dir)).rejects.toThrow(/locked|busy/i);
      const probe = new Database(sqlitePath(url), { readonly: true });
      const recorded = probe.prepare(`SELECT name FROM "_tollgate_migrations" WHERE name = ?`);
      expect(recorded.all('9997_probe.sql')).toEqual([]);
      // The same lock, still held: a longer setting waits for its release, then applies the file once.
      process.env.SQLITE_BUSY_TIMEOUT_MS = '20000';
      expect((await migrate(url, dir)).applied).toEqual(['9997_probe.sql']);
      expect(recorded.all('9997_probe.sql')).toHaveLength(1);
      probe.close();
      await holder.exited;
    } finally {
      if (saved === undefined) delete process.env.SQLITE_BUSY_TIMEOUT_MS;
      else process.env.SQLITE_BUSY_TIMEOUT_MS = saved;
    }
  });
});
