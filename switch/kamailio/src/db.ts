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

/**
 * Creates (or upgrades in place, every statement is IF NOT EXISTS) the database and switches it to
 * WAL, then rewrites the dialling tables unless `o.dialTables` is false (CreateDatabaseOptions). Must
 * run before Kamailio opens a new file: the journal mode cannot change while another connection
 * holds it open, and WAL is what keeps concurrent REGISTER writes from failing. Throws when the file
 * cannot be switched to WAL.
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
    // A database made before accounts had a country: add it (every account reads as before: US).
    const hasAccounts = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'accounts'")
      .get();
    if (
      hasAccounts &&
      !(db.prepare('PRAGMA table_info(accounts)').all() as { name: string }[]).some(
        (c) => c.name === 'country',
      )
    ) {
      db.exec("ALTER TABLE accounts ADD COLUMN country TEXT NOT NULL DEFAULT 'US'");
    }
    db.exec(readFileSync(SCHEMA_PATH, 'utf8'));
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
