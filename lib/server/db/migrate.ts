// Forward-only migrations (Prisma's migrate engine cannot run here: ENVIRONMENT.md).
// Each file runs in one transaction and is recorded with its SHA-256; a second run does nothing;
// an applied file that changed is refused. Plain drivers, no Prisma client: scripts and tests use it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteBusyTimeoutMs, sqlitePath } from './url';

export type MigrationResult = { applied: string[]; skipped: number };
type Migration = { name: string; sql: string; checksum: string };

const TABLE = '_tollgate_migrations';

export function dialectOf(url: string): 'sqlite' | 'postgresql' {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: or postgresql://');
}

export function loadMigrations(
  dialect: 'sqlite' | 'postgresql',
  dir = path.resolve(process.cwd(), 'prisma/migrations'),
): Migration[] {
  const folder = path.join(dir, dialect);
  return fs
    .readdirSync(folder)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const sql = fs.readFileSync(path.join(folder, name), 'utf8');
      return { name, sql, checksum: crypto.createHash('sha256').update(sql).digest('hex') };
    });
}

function plan(migrations: Migration[], applied: Map<string, string>): Migration[] {
  for (const [name, checksum] of applied) {
    const m = migrations.find((x) => x.name === name);
    if (!m)
      throw new Error(
        `Migration ${name} is recorded in the database but missing from prisma/migrations. Refusing to continue.`,
      );
    if (m.checksum !== checksum) {
      throw new Error(
        `Migration ${name} was changed after it was applied (checksum differs). Add a new migration instead of editing an applied one.`,
      );
    }
  }
  return migrations.filter((m) => !applied.has(m.name));
}

export async function migrate(url: string, dir?: string): Promise<MigrationResult> {
  const dialect = dialectOf(url);
  const migrations = loadMigrations(dialect, dir);
  return dialect === 'sqlite' ? migrateSqlite(url, migrations) : migratePostgres(url, migrations);
}

function migrateSqlite(url: string, migrations: Migration[]): MigrationResult {
  const file = sqlitePath(url);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  // Another process holding the write lock (a backup, the admin CLI, a second instance starting) is
  // waited for as long as the portal's own statements wait. Synchronously, by SQLite's busy handler:
  // this runs at start-up, before the server takes any request.
  const conn = new Database(file, { timeout: sqliteBusyTimeoutMs() });
  try {
    conn.pragma('journal_mode = WAL'); // readers don't block the writer; persists in the file
    conn.pragma('foreign_keys = ON');
    conn.exec(
      `CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TEXT NOT NULL)`,
    );
    // BEGIN IMMEDIATE takes the write lock first, so two starting instances cannot both apply a file.
    conn.exec('BEGIN IMMEDIATE');
    try {
      const rows = conn.prepare(`SELECT name, checksum FROM "${TABLE}"`).all() as {
        name: string;
        checksum: string;
      }[];
      const todo = plan(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      for (const m of todo) {
        conn.exec(m.sql);
        conn
          .prepare(`INSERT INTO "${TABLE}" (name, checksum, applied_at) VALUES (?, ?, ?)`)
          .run(m.name, m.checksum, new Date().toISOString());
      }
      conn.exec('COMMIT');
      return { applied: todo.map((m) => m.name), skipped: migrations.length - todo.length };
    } catch (e) {
      conn.exec('ROLLBACK');
      throw e;
    }
  } finally {
    conn.close();
  }
}

async function migratePostgres(url: string, migrations: Migration[]): Promise<MigrationResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // One migrator at a time across app instances.
    await client.query('SELECT pg_advisory_lock(724513)');
    await client.query(
      `CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
    );
    const { rows } = await client.query<{ name: string; checksum: string }>(
      `SELECT name, checksum FROM "${TABLE}"`,
    );
    const todo = plan(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
    for (const m of todo) {
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO "${TABLE}" (name, checksum, applied_at) VALUES ($1, $2, now())`, [
          m.name,
          m.checksum,
        ]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed and was rolled back: ${(e as Error).message}`);
      }
    }
    return { applied: todo.map((m) => m.name), skipped: migrations.length - todo.length };
  } finally {
    await client.query('SELECT pg_advisory_unlock(724513)').catch(() => undefined);
    await client.end();
  }
}
