// Forward-only migrations (Prisma's migrate engine cannot run here: ENVIRONMENT.md).
// Each file runs in one transaction and is recorded with its SHA-256; a second run does nothing;
// an applied file that changed is refused. A database that a newer release migrated (every file
// here applied, then files this code does not have) is served with a warning, so that an old
// instance restarting during a rolling upgrade, or a rolled-back release, still starts
// (docs/operations.md, "Upgrades and rollbacks"). Plain drivers, no Prisma client: scripts and tests use it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqliteBusyTimeoutMs, sqlitePath } from './url';

/**
 * What a run did. `applied`: the files it applied, in order. `skipped`: this code's files that were
 * applied already. `unknown`: files recorded in the database that this code does not have, applied
 * by a newer release (sorted by name; empty unless the database is ahead of the code).
 */
export type MigrationResult = { applied: string[]; skipped: number; unknown: string[] };
type Migration = { name: string; sql: string; checksum: string };

/**
 * How the migrator waits, all times in ms (defaults: the constants below). `log` takes each progress
 * or warning line (default: stderr, plain text, as `npm start` writes its lines before the portal's
 * JSON ones). PostgreSQL only: `connectTimeoutMs` for the connection and its start-up;
 * `lockTimeoutMs`, how long one attempt of a migration waits for a table lock before it is rolled
 * back and tried again after a pause; `lockWaitLimitMs`, how long one migration keeps trying;
 * `migratorWaitLimitMs`, how long a start waits while another instance holds the migration lock.
 */
export type MigrateOptions = {
  log?: (line: string) => void;
  connectTimeoutMs?: number;
  lockTimeoutMs?: number;
  lockWaitLimitMs?: number;
  migratorWaitLimitMs?: number;
};

/** Waiting for PostgreSQL to accept the migrator's connection (TCP, TLS, start-up, login), ms. */
export const MIGRATE_CONNECT_TIMEOUT_MS = 10_000;
/**
 * One attempt's wait for a table lock, ms (PostgreSQL `lock_timeout`). While a migration waits for a
 * lock, every later request for a conflicting lock on that table (the portal's writes) queues behind
 * it; below the portal's own 5 s (lib/server/db/pg-limits.ts LOCK_TIMEOUT_MS), those writes go
 * through once the attempt is withdrawn, instead of failing with it.
 */
export const MIGRATE_LOCK_TIMEOUT_MS = 2_000;
/** How long one migration keeps asking for its locks (attempts with pauses between), ms. */
export const MIGRATE_LOCK_WAIT_LIMIT_MS = 10 * 60_000;
/** How long a start waits for another instance's migration (the migration lock) in all, ms. */
export const MIGRATOR_WAIT_LIMIT_MS = 10 * 60_000;

const TABLE = '_tollgate_migrations';
/** The migrator's session advisory lock (in pg_locks: classid 0, objid 724513, objsubid 1). */
const LOCK_KEY = 724513;
/** The pause after an attempt that found a table locked: 1 s, doubling, at most 30 s. */
const LOCK_RETRY_FIRST_MS = 1_000;
const LOCK_RETRY_MAX_MS = 30_000;
/** How often the migration lock is asked for again, and how often the wait for it is logged, ms. */
const MIGRATOR_POLL_MS = 500;
const MIGRATOR_LOG_EVERY_MS = 10_000;

/** A migration that did not get its locks within `lockWaitLimitMs`: rolled back, nothing of it applied. */
class LockWaitLimit extends Error {}

/** The database a DATABASE_URL names: `file:…` is SQLite, `postgres://` or `postgresql://` PostgreSQL; else throws. */
export function dialectOf(url: string): 'sqlite' | 'postgresql' {
  if (url.startsWith('file:')) return 'sqlite';
  if (/^postgres(ql)?:\/\//.test(url)) return 'postgresql';
  throw new Error('DATABASE_URL must start with file: or postgresql://');
}

/**
 * The migration files of `dialect` under `dir` (default prisma/migrations of the working directory):
 * `NNNN_lower_snake.sql`, sorted by name (the order they apply in), each with its text and SHA-256.
 */
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

/**
 * What to apply, from this code's `migrations` (sorted by name, the order they are applied in) and
 * the database's record (`applied`: name → checksum). Returns the files to apply and the names the
 * database has that this code does not (`unknown`). Throws, applying nothing, when
 * - an applied file of this code has another checksum (it was edited after it was applied);
 * - the database has files this code does not, and they are not a newer release's: one sorts before
 *   this code's last file (another line of development, or a file renamed or removed here), or this
 *   code has a file the database lacks (a gap: the database is not this code's schema plus later files).
 * A database whose record is exactly this code's files followed by later ones is a newer release's:
 * nothing is applied and the caller is told which files it does not know.
 */
function plan(
  migrations: Migration[],
  applied: Map<string, string>,
): { todo: Migration[]; unknown: string[] } {
  for (const m of migrations) {
    const checksum = applied.get(m.name);
    if (checksum !== undefined && checksum !== m.checksum) {
      throw new Error(
        `Migration ${m.name} was changed after it was applied (checksum differs). Add a new migration instead of editing an applied one.`,
      );
    }
  }
  const known = new Set(migrations.map((m) => m.name));
  const unknown = [...applied.keys()].filter((n) => !known.has(n)).sort();
  const todo = migrations.filter((m) => !applied.has(m.name));
  if (unknown.length) {
    const last = migrations.at(-1)?.name ?? '';
    const earlier = unknown.filter((n) => n < last);
    if (earlier.length)
      throw new Error(
        `Migration ${earlier.join(', ')} is recorded in the database but missing from prisma/migrations, and comes before ${last}, ` +
          'this version’s last: the database was not migrated by a newer version of this code (another branch, or a file renamed or removed). Refusing to continue.',
      );
    if (todo.length)
      throw new Error(
        `The database has migrations this version does not know (${unknown.join(', ')}) but lacks ${todo.map((m) => m.name).join(', ')} of this version: ` +
          'it is not this version’s schema with later migrations added. Refusing to continue.',
      );
  }
  return { todo, unknown };
}

/** The warning for a database a newer release migrated (see plan). */
function aheadWarning(unknown: string[]): string {
  return (
    `Warning: the database has ${unknown.length} migration${unknown.length === 1 ? '' : 's'} this version of Tollgate does not have ` +
    `(${unknown.join(', ')}): a newer version applied ${unknown.length === 1 ? 'it' : 'them'}. Nothing was applied; this version ` +
    'serves on the newer schema, which works because migrations only add (docs/operations.md, "Upgrades and rollbacks").'
  );
}

/**
 * Applies the pending files of prisma/migrations/<dialect>/ (or of `dir`, a copy of it) to the
 * database at `url` (`file:…` or `postgresql://…`), each in one transaction, in name order, under
 * a lock so that instances starting together apply each once. Throws, having applied nothing more,
 * as plan() says (an edited file, a database migrated by other code), and on PostgreSQL when the
 * server does not accept the connection within `connectTimeoutMs`, when a migration does not get its
 * table locks within `lockWaitLimitMs`, or another instance holds the migration lock past
 * `migratorWaitLimitMs` (MigrateOptions). A database a newer release migrated is left as it is, with
 * one warning line through `log`.
 */
export async function migrate(
  url: string,
  dir?: string,
  options: MigrateOptions = {},
): Promise<MigrationResult> {
  const dialect = dialectOf(url);
  const migrations = loadMigrations(dialect, dir);
  const log = options.log ?? ((line: string) => console.warn(line));
  const result =
    dialect === 'sqlite'
      ? migrateSqlite(url, migrations)
      : await migratePostgres(url, migrations, { ...options, log });
  if (result.unknown.length) log(aheadWarning(result.unknown));
  return result;
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
      const { todo, unknown } = plan(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
      for (const m of todo) {
        conn.exec(m.sql);
        conn
          .prepare(`INSERT INTO "${TABLE}" (name, checksum, applied_at) VALUES (?, ?, ?)`)
          .run(m.name, m.checksum, new Date().toISOString());
      }
      conn.exec('COMMIT');
      return { applied: todo.map((m) => m.name), skipped: migrations.length - todo.length, unknown };
    } catch (e) {
      conn.exec('ROLLBACK');
      throw e;
    }
  } finally {
    conn.close();
  }
}

type PgOptions = MigrateOptions & { log: (line: string) => void };

async function migratePostgres(url: string, migrations: Migration[], o: PgOptions): Promise<MigrationResult> {
  const connectMs = o.connectTimeoutMs ?? MIGRATE_CONNECT_TIMEOUT_MS;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: connectMs,
    keepAlive: true,
    application_name: 'tollgate-migrate', // how pg_stat_activity and the lock-wait lines name it
  });
  // A connection lost while idle (between attempts) is an 'error' event: without a listener it would
  // end the process with a stack trace; the next statement fails with it instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => undefined);
    throw new Error(
      `Could not connect to PostgreSQL to apply migrations (within ${connectMs / 1000} s): ${(e as Error).message}`,
    );
  }
  let locked = false;
  try {
    await takeMigrationLock(client, o);
    locked = true;
    const rows = await withLockRetry(client, o, `the table ${TABLE}`, TABLE, async () => {
      await client.query(
        `CREATE TABLE IF NOT EXISTS "${TABLE}" (name TEXT PRIMARY KEY, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL)`,
      );
      return (await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM "${TABLE}"`))
        .rows;
    });
    const { todo, unknown } = plan(migrations, new Map(rows.map((r) => [r.name, r.checksum])));
    for (const m of todo) {
      try {
        await withLockRetry(client, o, `Migration ${m.name}`, m.sql, async () => {
          await client.query(m.sql);
          await client.query(`INSERT INTO "${TABLE}" (name, checksum, applied_at) VALUES ($1, $2, now())`, [
            m.name,
            m.checksum,
          ]);
        });
      } catch (e) {
        if (e instanceof LockWaitLimit) throw e;
        throw new Error(`Migration ${m.name} failed and was rolled back: ${(e as Error).message}`);
      }
    }
    return { applied: todo.map((m) => m.name), skipped: migrations.length - todo.length, unknown };
  } finally {
    if (locked) await releaseMigrationLock(client, o);
    await client.end().catch(() => undefined);
  }
}

/**
 * Takes the migrator's session advisory lock with pg_try_advisory_lock, asking again every
 * MIGRATOR_POLL_MS while another session holds it (another instance migrating), and logging who holds
 * it at once and every MIGRATOR_LOG_EVERY_MS. Throws after `migratorWaitLimitMs`: a holder that never
 * lets go (pg_advisory_lock waited for it forever, silently) is named, with what to do.
 */
async function takeMigrationLock(client: pg.Client, o: PgOptions): Promise<void> {
  const limitMs = o.migratorWaitLimitMs ?? MIGRATOR_WAIT_LIMIT_MS;
  const start = Date.now();
  let loggedAt: number | null = null;
  for (;;) {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1) AS ok', [LOCK_KEY]);
    const waited = Date.now() - start;
    if (rows[0]?.ok) {
      if (loggedAt !== null)
        o.log(`The other instance's migration finished after ${seconds(waited)} s; migrating now.`);
      return;
    }
    const holder = await migrationLockHolder(client);
    if (waited >= limitMs)
      throw new Error(
        `Gave up waiting for another instance's migration after ${seconds(waited)} s: the migration lock is held by ${holder}. ` +
          'If no instance is migrating, that session holds the lock by mistake (a connection through PgBouncer in transaction ' +
          'pooling keeps it on a server connection: Tollgate needs a direct connection or session pooling, docs/operations.md): ' +
          'end it with SELECT pg_terminate_backend(pid), then start again.',
      );
    if (loggedAt === null || Date.now() - loggedAt >= MIGRATOR_LOG_EVERY_MS) {
      o.log(
        `Waiting for another instance's migration: the migration lock is held by ${holder}; waited ${seconds(waited)} s of at most ${seconds(limitMs)} s.`,
      );
      loggedAt = Date.now();
    }
    await sleep(Math.min(MIGRATOR_POLL_MS, limitMs - waited));
  }
}

/** The session holding the migration lock, in words for a log line. */
async function migrationLockHolder(client: pg.Client): Promise<string> {
  const { rows } = await client.query<{
    pid: number;
    application_name: string | null;
    client_addr: string | null;
    state: string | null;
  }>(
    `SELECT l.pid, a.application_name, a.client_addr::text AS client_addr, a.state
       FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
      WHERE l.locktype = 'advisory' AND l.granted AND l.classid = 0 AND l.objid = $1 AND l.objsubid = 1
        AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LOCK_KEY],
  );
  const r = rows[0];
  if (!r) return 'a session that has just let it go';
  const parts = [
    r.application_name ? `"${r.application_name}"` : null,
    r.client_addr ? `from ${r.client_addr}` : null,
    r.state ? r.state : null,
  ].filter(Boolean);
  return `pid ${r.pid}${parts.length ? ` (${parts.join(', ')})` : ''}`;
}

/**
 * Lets the migration lock go. pg_advisory_unlock answers false when this session does not hold it:
 * the statements ran on another server connection than the lock (PgBouncer in transaction pooling),
 * where it stays held until that connection closes, and the next start waits for it. Said in a line.
 */
async function releaseMigrationLock(client: pg.Client, o: PgOptions): Promise<void> {
  try {
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_advisory_unlock($1) AS ok', [LOCK_KEY]);
    if (!rows[0]?.ok)
      o.log(
        'Warning: the migration lock was no longer held by this connection when the migrations ended. Is DATABASE_URL going ' +
          'through PgBouncer in transaction pooling? Tollgate needs a direct connection or session pooling (docs/operations.md).',
      );
  } catch {
    // The connection is gone, and the lock with it.
  }
}

/**
 * Runs `work` in one transaction whose lock waits end after `lockTimeoutMs` (SET LOCAL lock_timeout).
 * When a lock is not granted in time (SQLSTATE 55P03), the transaction is rolled back (nothing of it
 * stays), the sessions holding locks on the tables `sql` names are logged ("waiting for a lock on …"),
 * and it runs again after a pause (LOCK_RETRY_FIRST_MS, doubling, at most LOCK_RETRY_MAX_MS), during
 * which the portal's writes go through. Throws after `lockWaitLimitMs`; any other error at once.
 */
async function withLockRetry<T>(
  client: pg.Client,
  o: PgOptions,
  what: string,
  sql: string,
  work: () => Promise<T>,
): Promise<T> {
  const lockMs = o.lockTimeoutMs ?? MIGRATE_LOCK_TIMEOUT_MS;
  const limitMs = o.lockWaitLimitMs ?? MIGRATE_LOCK_WAIT_LIMIT_MS;
  const start = Date.now();
  for (let attempt = 1; ; attempt++) {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.round(lockMs))}`);
      const result = await work();
      await client.query('COMMIT');
      return result;
    } catch (e) {
      await client.query('ROLLBACK').catch(() => undefined);
      if ((e as { code?: string }).code !== '55P03') throw e;
      const waited = Date.now() - start;
      const holders = await lockHolders(client, sql);
      if (waited >= limitMs)
        throw new LockWaitLimit(
          `${what}: no lock within ${seconds(waited)} s (${attempt} attempts of ${seconds(lockMs)} s) on ${holders}. ` +
            'Nothing of it was applied. End the session that holds it (SELECT pg_terminate_backend(pid)), or apply the migration in a quieter moment.',
        );
      const pause = Math.min(LOCK_RETRY_MAX_MS, LOCK_RETRY_FIRST_MS * 2 ** (attempt - 1), limitMs - waited);
      o.log(
        `${what}: waiting for a lock on ${holders}; attempt ${attempt} withdrawn after ${seconds(lockMs)} s, trying again in ${seconds(pause)} s ` +
          `(at most ${seconds(limitMs)} s in all).`,
      );
      await sleep(pause);
    }
  }
}

/**
 * The tables named in `sql` that other sessions of this database hold locks on, with those sessions,
 * in words: `"AuditLog" (pid 4242, idle in transaction for 41 s)`. Row locks count through the table
 * lock that every writer of a row also holds.
 */
async function lockHolders(client: pg.Client, sql: string): Promise<string> {
  const { rows } = await client
    .query<{ relname: string; pid: number; state: string | null; open_s: number | null }>(
      `SELECT DISTINCT c.relname, l.pid, a.state, floor(extract(epoch FROM now() - a.xact_start))::int AS open_s
         FROM pg_locks l JOIN pg_class c ON c.oid = l.relation LEFT JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.pid <> pg_backend_pid() AND c.relkind IN ('r', 'p')
          AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
        ORDER BY c.relname, l.pid`,
    )
    .catch(() => ({ rows: [] }));
  const named = rows.filter(
    (r) =>
      sql.includes(`"${r.relname}"`) ||
      new RegExp(`\\b${r.relname.replace(/[^A-Za-z0-9_]/g, '\\$&')}\\b`).test(sql),
  );
  if (!named.length) return 'a table it changes (its holder has finished since)';
  const byTable = new Map<string, string[]>();
  for (const r of named) {
    const who = `pid ${r.pid}${r.state ? `, ${r.state}` : ''}${r.open_s !== null ? ` for ${r.open_s} s` : ''}`;
    byTable.set(r.relname, [...(byTable.get(r.relname) ?? []), who]);
  }
  return [...byTable]
    .slice(0, 5)
    .map(([table, who]) => `"${table}" (held by ${who.slice(0, 3).join('; ')})`)
    .join(', ');
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
const seconds = (ms: number) => Math.round(ms / 100) / 10;
