import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeDialPlans } from './dial-plans';
import { writeEmergencyNumbers } from './emergency-numbers';

export type Db = Database.Database;

/** switch/kamailio/, where kamailio.cfg, schema.sql and sipp/ live. */
// Works whether tsx/vitest load this file as an ES module or as CommonJS.
const here = typeof __dirname === 'string' ? __dirname : path.dirname(fileURLToPath(import.meta.url));
export const SWITCH_DIR = path.resolve(here, '..');
export const SCHEMA_PATH = path.join(SWITCH_DIR, 'schema.sql');
export const KAMAILIO_CFG_PATH = path.join(SWITCH_DIR, 'kamailio.cfg');

/**
 * Opens the switch database from the companion side. `busy_timeout` makes a write that meets
 * Kamailio's write lock wait instead of failing; the transactions here are all short.
 */
export function openDb(dbPath: string): Db {
  const db = new Database(dbPath, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.pragma('synchronous = NORMAL');
  return db;
}

/** What createDatabase does besides the schema. */
export interface CreateDatabaseOptions {
  /**
   * Rewrite the dialling tables (dial_plans, idd_prefixes, national_forms, number_ranges,
   * region_prefixes: src/dial-plans.ts) and emergency_numbers / pbx_access_codes
   * (src/emergency-numbers.ts) from the installed libphonenumber-js metadata. Default true: the
   * switch's start does it, before Kamailio reads them. It costs about 1.5 s of CPU (58 216 number
   * ranges) and holds the database's write lock about 70 ms (IMMEDIATE transactions), so the CLI's
   * commands pass false: a table built for the running Kamailio is left as it is, and the next start
   * rebuilds them all (after an update of libphonenumber-js too).
   */
  dialTables?: boolean;
}

/** Unix milliseconds of an ISO-8601 column, in SQLite (NULL stays NULL). */
const msOf = (column: string): string =>
  `CAST(round((julianday(${column}) - 2440587.5) * 86400000.0) AS INTEGER)`;

/**
 * Columns schema.sql has that an older file lacks (`CREATE TABLE IF NOT EXISTS` adds none), each
 * added with ALTER TABLE and then filled from what the file already holds (`fill`, run once).
 */
const ADDED_COLUMNS: readonly { table: string; column: string; type: string; fill?: string }[] = [
  // Accounts before they had a country read as before: US.
  { table: 'accounts', column: 'country', type: "TEXT NOT NULL DEFAULT 'US'" },
  // The grace window (2026-12, docs/reference-switch.md "Lifts and the grace window"): a block in
  // place keeps its time (to the second, as stored); a window open at the upgrade takes its lifted
  // block's time from the history (the account's last change to blocked), so a credential rotated
  // since keeps its waiver; without one (an account provisioned blocked) it waives nothing.
  {
    table: 'accounts',
    column: 'blocked_at_ms',
    type: 'INTEGER',
    fill: `UPDATE accounts SET blocked_at_ms = ${msOf('blocked_at')} WHERE intl_state = 'blocked'`,
  },
  {
    table: 'accounts',
    column: 'grace_block_ms',
    type: 'INTEGER',
    fill: `UPDATE accounts SET grace_block_ms = (SELECT ${msOf('c.at')} FROM account_changes c
             WHERE c.account_number = accounts.number AND c.to_state = 'blocked' ORDER BY c.id DESC LIMIT 1)
           WHERE intl_state = 'allowed' AND hr_grace_until > 0`,
  },
  {
    table: 'subscriber',
    column: 'password_changed_ms',
    type: 'INTEGER',
    fill: `UPDATE subscriber SET password_changed_ms = ${msOf('password_changed_at')}`,
  },
  // A password change ends the credential's calls (2026-12, docs/reference-switch.md "Calls already
  // up"): its call_cuts row names the credential. The rows a file holds are blocks' and allowances'
  // (NULL); schema.sql then adds the trigger password_change_ends_its_calls.
  { table: 'call_cuts', column: 'username', type: 'TEXT' },
];

function addMissingColumns(db: Db): void {
  for (const c of ADDED_COLUMNS) {
    const columns = db.prepare(`PRAGMA table_info(${c.table})`).all() as { name: string }[];
    // No table yet: schema.sql creates it with every column.
    if (columns.length === 0 || columns.some((x) => x.name === c.column)) continue;
    db.exec(`ALTER TABLE ${c.table} ADD COLUMN ${c.column} ${c.type}`);
    if (c.fill) db.exec(c.fill);
  }
}

/**
 * Creates (or upgrades in place: every statement is IF NOT EXISTS, and ADDED_COLUMNS are added to an
 * older file, in one IMMEDIATE transaction) the database and switches it to WAL, then rewrites the
 * dialling tables unless `o.dialTables` is false (CreateDatabaseOptions). Must run before Kamailio
 * opens a new file: the journal mode cannot change while another connection holds it open, and WAL
 * is what keeps concurrent REGISTER writes from failing. Throws when the file cannot be switched to
 * WAL.
 */
export function createDatabase(dbPath: string, o: CreateDatabaseOptions = {}): void {
  const db = new Database(dbPath);
  try {
    db.pragma('busy_timeout = 5000'); // the CLI may run this while Kamailio is writing
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new Error(
        `could not switch ${dbPath} to WAL (journal_mode is ${String(mode)}); is Kamailio running on it?`,
      );
    }
    // One transaction: a running Kamailio (the CLI's commands) never sees a column missing or the
    // fraud trigger dropped and not yet created again (schema.sql replaces it).
    db.transaction(() => {
      addMissingColumns(db);
      db.exec(readFileSync(SCHEMA_PATH, 'utf8'));
    }).immediate();
    if (o.dialTables ?? true) {
      writeDialPlans(db);
      writeEmergencyNumbers(db);
    }
  } finally {
    db.close();
  }
}

export const nowIso = (ms: number = Date.now()): string =>
  new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * db_sqlite (5.6, dbase.c) stores DATETIME columns as Julian day numbers (REAL), written as
 * (t - 0.5) / 86400 + 2440587.5 and read back as trunc(86400 * (jd - 2440587.5) + 0.5).
 * These mirror that, at whole seconds.
 */
export const julianToMs = (jd: number): number => Math.trunc(86_400 * (jd - 2440587.5) + 0.5) * 1000;
export const msToJulian = (ms: number): number => (Math.floor(ms / 1000) - 0.5) / 86_400 + 2440587.5;

/**
 * The digest realm the switch was last started with (table switch_settings, written by `start`), or
 * null when it was never started on this file. Every ha1 is md5(username:realm:password) for it.
 */
export function readRealm(db: Db): string | null {
  const row = db.prepare("SELECT value FROM switch_settings WHERE name = 'realm'").get() as
    { value: string } | undefined;
  return row?.value ?? null;
}

/** Records the realm `start` runs with (readRealm); returns the one recorded before, or null. */
export function writeRealm(db: Db, realm: string): string | null {
  const before = readRealm(db);
  db.prepare(
    `INSERT INTO switch_settings (name, value) VALUES ('realm', ?)
     ON CONFLICT (name) DO UPDATE SET value = excluded.value`,
  ).run(realm);
  return before;
}
