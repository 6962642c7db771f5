import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

// The simulator's own database: a real switch keeps its state across restarts, and so does this
// one, so that the demo survives a restart and tests can prove "applied once" across a crash.
// WAL mode, like the reference Kamailio set-up (ENVIRONMENT.md): readers never block the writer.

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS accounts (
  account_number TEXT PRIMARY KEY,
  international_calling TEXT NOT NULL CHECK (international_calling IN ('allowed', 'blocked')),
  reason TEXT, blocked_at TEXT, updated_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS credentials (
  username TEXT PRIMARY KEY,
  account_number TEXT NOT NULL REFERENCES accounts(account_number),
  password_hash TEXT, password_changed_at TEXT, password_changes INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS registrations (
  username TEXT NOT NULL REFERENCES credentials(username),
  contact TEXT NOT NULL, source_ip TEXT NOT NULL, user_agent TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calling_changes (
  id INTEGER PRIMARY KEY, account_number TEXT NOT NULL, state TEXT NOT NULL, reason TEXT,
  actor TEXT NOT NULL, source TEXT NOT NULL, at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS allowances (
  account_number TEXT NOT NULL REFERENCES accounts(account_number), country TEXT NOT NULL,
  until TEXT NOT NULL, reason TEXT NOT NULL, actor TEXT NOT NULL, PRIMARY KEY (account_number, country));
CREATE TABLE IF NOT EXISTS idempotency_keys (
  key TEXT PRIMARY KEY, fingerprint TEXT NOT NULL, status INTEGER NOT NULL, body TEXT NOT NULL,
  created_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS events (
  seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, account_number TEXT NOT NULL, type TEXT NOT NULL,
  body TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'pending', attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL, last_status INTEGER, last_error TEXT, created_at INTEGER NOT NULL,
  finished_at INTEGER);
`;

export function openDb(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  return db;
}

/** A random key created once per database: it keys the HMAC of idempotency fingerprints. */
export function instanceSecret(db: Db): Buffer {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get('fingerprint_key') as
    { value: string } | undefined;
  if (row) return Buffer.from(row.value, 'hex');
  const value = randomBytes(32).toString('hex');
  db.prepare('INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)').run('fingerprint_key', value);
  return instanceSecret(db);
}
