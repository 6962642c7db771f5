import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it, vi } from 'vitest';
import { migrate } from '@/lib/server/db/migrate';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, freshDatabase, pointDbAt } from '@/tests/helpers/db';
import { holdWriteLock } from '@/tests/helpers/sqlite-lock';

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-mig-'));
  fs.cpSync(path.resolve('prisma/migrations'), dir, { recursive: true });
  return dir;
}

/** The migration files of `dialect` in `dir` (a copy of prisma/migrations), in the order they apply. */
const filesOf = (dir: string, dialect: string) =>
  fs
    .readdirSync(path.join(dir, dialect))
    .filter((f) => f.endsWith('.sql'))
    .sort();

/** The names recorded as applied in the database at `url`. */
async function recorded(url: string): Promise<string[]> {
  if (url.startsWith('file:')) {
    const file = new Database(sqlitePath(url), { readonly: true });
    try {
      return (
        file.prepare('SELECT name FROM "_tollgate_migrations" ORDER BY name').all() as { name: string }[]
      ).map((r) => r.name);
    } finally {
      file.close();
    }
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SELECT name FROM "_tollgate_migrations" ORDER BY name')).rows.map(
      (r) => r.name,
    );
  } finally {
    await client.end();
  }
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

  // An instance of the previous release restarting during a rolling upgrade (a crash, systemd, an
  // autoscaler), or the previous release started again to roll back: its code lacks the newer release's
  // migrations. It used to refuse to start ("recorded in the database but missing"), exit 1, in a loop.
  it('serves a database a newer version migrated, with a warning naming the migrations it does not know', async () => {
    const url = await freshDatabase(dialect); // every migration of this code
    const all = filesOf(path.resolve('prisma/migrations'), dialect);
    for (const missing of [1, 2]) {
      const older = copyMigrations(); // the previous release: without the newest file(s)
      const newer = all.slice(-missing);
      for (const f of newer) fs.rmSync(path.join(older, dialect, f));
      const lines: string[] = [];
      const r = await migrate(url, older, { log: (l) => lines.push(l) });
      expect(r).toEqual({ applied: [], skipped: all.length - missing, unknown: newer });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(
        /^Warning: the database has \d+ migrations? this version of Tollgate does not have/,
      );
      for (const f of newer) expect(lines[0]).toContain(f);
    }
    // The newer release itself, started again, has nothing to say.
    const lines: string[] = [];
    expect(await migrate(url, undefined, { log: (l) => lines.push(l) })).toMatchObject({
      applied: [],
      unknown: [],
    });
    expect(lines).toEqual([]);
  });

  it('refuses a database that is not this code’s schema followed by later migrations, applying nothing', async () => {
    const url = await freshDatabase(dialect);
    const all = filesOf(path.resolve('prisma/migrations'), dialect);
    const quiet = { log: () => undefined };
    // A file the database has, missing here in the middle: another line of development, not a newer release.
    const middle = copyMigrations();
    fs.rmSync(path.join(middle, dialect, all[all.length - 3]!));
    await expect(migrate(url, middle, quiet)).rejects.toThrow(
      new RegExp(
        `${all[all.length - 3]!.replace('.', '\\.')} is recorded in the database but missing.*Refusing to continue`,
      ),
    );
    // The same order, but a file this code has is not in the database, which has a later one this code
    // does not: a gap (it was built without that file), not this code's schema with more added.
    const skipped = all[all.length - 2]!;
    const built = copyMigrations();
    fs.rmSync(path.join(built, dialect, skipped));
    fs.writeFileSync(path.join(built, dialect, '9999_later.sql'), 'CREATE TABLE "Later" ("id" INTEGER);\n');
    const gapUrl = await freshDatabase(dialect, built);
    await expect(migrate(gapUrl, undefined, quiet)).rejects.toThrow(
      new RegExp(`does not know \\(9999_later\\.sql\\) but lacks ${skipped.replace('.', '\\.')}.*Refusing`),
    );
    expect(await recorded(gapUrl)).not.toContain(skipped);
    // A newer database whose files here were edited since: still refused for the checksum.
    const edited = copyMigrations();
    fs.rmSync(path.join(edited, dialect, all.at(-1)!));
    fs.appendFileSync(path.join(edited, dialect, all[0]!), '\n-- edited\n');
    await expect(migrate(url, edited, quiet)).rejects.toThrow(/changed after it was applied/);
    expect(await recorded(url)).toEqual(all);
  });

  it('readiness reads a database a newer version migrated as migrated: this instance can serve it', async () => {
    // Migrated by a newer release: this code's files, then one it does not have.
    const newer = copyMigrations();
    fs.writeFileSync(
      path.join(newer, dialect, '9999_newer_release.sql'),
      'CREATE TABLE "Newer" ("id" INTEGER);\n',
    );
    const url = await freshDatabase(dialect, newer);
    const saved = process.env.DATABASE_URL;
    await pointDbAt(url);
    try {
      const { readiness } = await import('@/lib/server/health');
      expect((await readiness()).checks.migrations).toMatchObject({ status: 'ok' });
    } finally {
      await pointDbAt(saved);
    }
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

// PostgreSQL: a migration's DDL waits for the table locks of every open transaction on its tables (an
// old instance's, a person's psql), and while it waits every later writer of that table queues behind
// it. The migrator used to wait without limit, silently, and so did a second instance behind its
// advisory lock. Each wait is now bounded, retried and logged (lib/server/db/migrate.ts).
describe.runIf(dialects().includes('postgresql'))(
  'migrations on postgresql, with other sessions in the way',
  () => {
    /** A copy of prisma/migrations with one more file that indexes AuditLog (a SHARE lock: writers wait). */
    function withAuditIndex(): { dir: string; name: string } {
      const dir = copyMigrations();
      const name = '9990_audit_probe.sql';
      fs.writeFileSync(
        path.join(dir, 'postgresql', name),
        'CREATE INDEX "AuditLog_probe_idx" ON "AuditLog"("targetId");\n',
      );
      return { dir, name };
    }

    /** A session in the middle of a transaction that wrote an AuditLog row: an old instance's, say. */
    async function openWriter(url: string): Promise<pg.Client> {
      const c = new pg.Client({ connectionString: url, application_name: 'old-instance' });
      await c.connect();
      await c.query('BEGIN');
      await c.query(`INSERT INTO "AuditLog" ("id", "action") VALUES ('held-${Date.now()}', 'probe')`);
      return c;
    }

    it('asks for a table lock in short attempts, logging who holds it; writers are not held up; applies once it is free', async () => {
      const url = await freshDatabase('postgresql');
      const { dir, name } = withAuditIndex();
      const holder = await openWriter(url);
      const writer = new pg.Client({ connectionString: url });
      await writer.connect();
      try {
        const lines: string[] = [];
        const running = migrate(url, dir, { log: (l) => lines.push(l), lockTimeoutMs: 200 });
        await vi.waitFor(
          () =>
            expect(lines.join('\n')).toMatch(
              /Migration 9990_audit_probe\.sql: waiting for a lock on "AuditLog" \(held by pid \d+, idle in transaction/,
            ),
          { timeout: 10_000, interval: 50 },
        );
        // Another writer of the table meanwhile, with the portal's lock_timeout (5 s): it used to queue
        // behind the waiting CREATE INDEX until that timeout and fail.
        await writer.query('SET lock_timeout = 5000');
        const t0 = Date.now();
        for (let i = 0; i < 5; i++)
          await writer.query(
            `INSERT INTO "AuditLog" ("id", "action") VALUES ('w-${i}-${Date.now()}', 'probe')`,
          );
        expect(Date.now() - t0).toBeLessThan(2_000);
        await holder.query('COMMIT');
        expect((await running).applied).toEqual([name]);
        expect(await recorded(url)).toContain(name);
      } finally {
        await holder.end().catch(() => undefined);
        await writer.end();
      }
    });

    it('gives up on a lock still held after lockWaitLimitMs, naming the holder, having applied nothing', async () => {
      const url = await freshDatabase('postgresql');
      const { dir, name } = withAuditIndex();
      const holder = await openWriter(url);
      try {
        await expect(
          migrate(url, dir, { log: () => undefined, lockTimeoutMs: 100, lockWaitLimitMs: 1_500 }),
        ).rejects.toThrow(
          /^Migration 9990_audit_probe\.sql: no lock within [\d.]+ s \(\d+ attempts of 0\.1 s\) on "AuditLog" \(held by pid \d+.*Nothing of it was applied/,
        );
        expect(await recorded(url)).not.toContain(name);
        const index = await holder.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'AuditLog_probe_idx'`);
        expect(index.rowCount).toBe(0);
      } finally {
        await holder.end();
      }
    });

    it('waits for another instance’s migration with a line, gives up after migratorWaitLimitMs, and goes on once it ends', async () => {
      const url = await freshDatabase('postgresql');
      const { dir, name } = withAuditIndex();
      const holder = await openWriter(url);
      try {
        // Instance 1 migrates, and waits for the table lock.
        const firstLines: string[] = [];
        const first = migrate(url, dir, { log: (l) => firstLines.push(l), lockTimeoutMs: 200 });
        await vi.waitFor(() => expect(firstLines.join('\n')).toMatch(/waiting for a lock/), {
          timeout: 10_000,
        });
        // Instance 2 starts meanwhile: it used to wait in pg_advisory_lock for as long, saying nothing.
        const secondLines: string[] = [];
        await expect(
          migrate(url, dir, { log: (l) => secondLines.push(l), migratorWaitLimitMs: 1_500 }),
        ).rejects.toThrow(
          /^Gave up waiting for another instance's migration after [\d.]+ s: the migration lock is held by pid \d+ \("tollgate-migrate"/,
        );
        expect(secondLines[0]).toMatch(
          /^Waiting for another instance's migration: the migration lock is held by pid \d+ \("tollgate-migrate"/,
        );
        // Instance 3 waits with the default limit, and goes on when instance 1 has finished.
        const thirdLines: string[] = [];
        const third = migrate(url, dir, { log: (l) => thirdLines.push(l) });
        await vi.waitFor(() => expect(thirdLines[0]).toMatch(/^Waiting for another instance's migration/), {
          timeout: 10_000,
        });
        await holder.query('COMMIT');
        expect((await first).applied).toEqual([name]);
        expect((await third).applied).toEqual([]);
        expect(thirdLines.at(-1)).toMatch(/^The other instance's migration finished after [\d.]+ s/);
      } finally {
        await holder.end().catch(() => undefined);
      }
    });

    it('says so when the migration lock was no longer its own at the end (a transaction-pooling PgBouncer)', async () => {
      const url = await freshDatabase('postgresql');
      const dir = copyMigrations();
      // What a transaction pooler does to a session lock: the statements after it run on another
      // server connection. Here the lock is let go inside a migration instead, with the same effect.
      fs.writeFileSync(path.join(dir, 'postgresql', '9992_unlock.sql'), 'SELECT pg_advisory_unlock_all();\n');
      const lines: string[] = [];
      expect((await migrate(url, dir, { log: (l) => lines.push(l) })).applied).toEqual(['9992_unlock.sql']);
      expect(lines).toEqual([
        expect.stringMatching(/no longer held by this connection.*PgBouncer in transaction pooling/),
      ]);
    });
  },
);

describe('migrations on postgresql, a server that never answers', () => {
  it('gives up within connectTimeoutMs on a server that accepts the connection and says nothing', async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => void sockets.push(s)); // a frozen server, a black-holing proxy
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const t0 = Date.now();
      await expect(
        migrate(`postgresql://postgres@127.0.0.1:${port}/tollgate`, undefined, { connectTimeoutMs: 500 }),
      ).rejects.toThrow(/^Could not connect to PostgreSQL to apply migrations \(within 0\.5 s\)/);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
