// A switch database made before 2026-12, opened by today's createDatabase (every `start`, and the
// CLI's writing commands): `CREATE TABLE IF NOT EXISTS` adds no column and `CREATE TRIGGER IF NOT
// EXISTS` keeps an old trigger, so src/db.ts adds the grace window's columns, fills them from what the
// file holds, and schema.sql replaces the fraud trigger, whose first version waived the high-risk rule
// in the window for every credential of the account.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { setInternationalCalling } from '../../switch/kamailio/src/accounts';
import { createDatabase, openDb, type Db } from '../../switch/kamailio/src/db';
import { provision, setSubscriberPassword } from '../../switch/kamailio/src/provision';

/** The tables of the schema as it was on 2026-12-05 that the grace window touches, and its trigger. */
const SCHEMA_BEFORE = `
CREATE TABLE accounts (
    number TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    intl_state TEXT NOT NULL DEFAULT 'allowed' CHECK (intl_state IN ('allowed', 'blocked')),
    blocked_at TEXT, reason TEXT, actor TEXT,
    hr_grace_until INTEGER NOT NULL DEFAULT 0,
    country TEXT NOT NULL DEFAULT 'US',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE subscriber (
    id INTEGER PRIMARY KEY NOT NULL,
    username VARCHAR(128) NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    account_number TEXT NOT NULL REFERENCES accounts (number),
    password_changed_at TEXT,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE TABLE fraud_hits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_number TEXT NOT NULL, at INTEGER NOT NULL, from_user TEXT NOT NULL, to_number TEXT NOT NULL,
    source_ip TEXT NOT NULL, source_port INTEGER NOT NULL DEFAULT 0, call_id TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL CHECK (reason IN ('high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern'))
);
CREATE TABLE outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL CHECK (type IN ('block.placed', 'block.lifted')),
    account_number TEXT NOT NULL, created_at INTEGER NOT NULL, reason TEXT, actor TEXT,
    fraud_hit_id INTEGER REFERENCES fraud_hits (id), event_id TEXT UNIQUE, body TEXT,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0,
    delivered_at INTEGER, abandoned_at INTEGER, last_status INTEGER, last_error TEXT
);
CREATE TABLE account_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_number TEXT NOT NULL, at TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
    reason TEXT, actor TEXT, source TEXT NOT NULL, idempotency_key TEXT
);
CREATE TRIGGER fraud_hit_places_block AFTER INSERT ON fraud_hits
WHEN EXISTS (
    SELECT 1 FROM accounts a
    WHERE a.number = NEW.account_number
      AND a.intl_state = 'allowed'
      AND NOT (NEW.reason = 'high_risk_destination' AND a.hr_grace_until > NEW.at)
)
BEGIN
    UPDATE accounts
       SET intl_state = 'blocked', blocked_at = strftime('%Y-%m-%dT%H:%M:%SZ', NEW.at, 'unixepoch'),
           reason = NEW.reason, actor = 'switch', hr_grace_until = 0,
           updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
     WHERE number = NEW.account_number;
    INSERT INTO outbox (type, account_number, created_at, reason, fraud_hit_id)
    VALUES ('block.placed', NEW.account_number, NEW.at, NEW.reason, NEW.id);
END;
`;

const NOW_S = Math.floor(Date.now() / 1000);
/** ISO-8601 to the second, as the switch writes its times, `minutes` from now. */
const iso = (minutes: number) =>
  new Date((NOW_S + minutes * 60) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const ms = (minutes: number) => (NOW_S + minutes * 60) * 1000;

let dir: string;
let db: Db;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'tollgate-upgrade-'));
  const dbPath = path.join(dir, 'switch.db');
  const old = new Database(dbPath);
  old.exec(SCHEMA_BEFORE);
  // ACC-9101: blocked two hours ago, lifted an hour ago, its grace window open for one more hour.
  // Its desk was rotated while blocked; its PBX never; its fax before the block.
  old.exec(`
    INSERT INTO accounts (number, intl_state, hr_grace_until) VALUES ('ACC-9101', 'allowed', ${NOW_S + 3600});
    INSERT INTO account_changes (account_number, at, from_state, to_state, source) VALUES
      ('ACC-9101', '${iso(-180)}', 'allowed', 'blocked', 'fraud-rule'),
      ('ACC-9101', '${iso(-170)}', 'blocked', 'allowed', 'api'),
      ('ACC-9101', '${iso(-120)}', 'allowed', 'blocked', 'fraud-rule'),
      ('ACC-9101', '${iso(-60)}', 'blocked', 'allowed', 'api');
    INSERT INTO subscriber (username, ha1, account_number, password_changed_at) VALUES
      ('up-desk', 'x', 'ACC-9101', '${iso(-90)}'),
      ('up-pbx', 'x', 'ACC-9101', NULL),
      ('up-fax', 'x', 'ACC-9101', '${iso(-150)}');
    -- ACC-9102: blocked ten minutes ago.
    INSERT INTO accounts (number, intl_state, blocked_at, reason) VALUES
      ('ACC-9102', 'blocked', '${iso(-10)}', 'high_risk_destination');
  `);
  old.close();
  createDatabase(dbPath, { dialTables: false });
  db = openDb(dbPath);
});

afterAll(() => {
  db?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const hit = (from: string) =>
  db
    .prepare(
      `INSERT INTO fraud_hits (account_number, at, from_user, to_number, source_ip, reason)
       VALUES ('ACC-9101', ?, ?, '+252611234567', '203.0.113.9', 'high_risk_destination')`,
    )
    .run(NOW_S, from).lastInsertRowid;
const state = (n: string) =>
  db.prepare('SELECT intl_state, blocked_at_ms, grace_block_ms FROM accounts WHERE number = ?').get(n);

describe('reference switch: a database made before the grace window named its credentials', () => {
  test('gets the new columns, filled from what it holds', () => {
    // The lifted block's time comes from the history (its last change to blocked), a block in place
    // keeps its own, and each password its change time.
    expect(state('ACC-9101')).toEqual({
      intl_state: 'allowed',
      blocked_at_ms: null,
      grace_block_ms: ms(-120),
    });
    expect(state('ACC-9102')).toEqual({
      intl_state: 'blocked',
      blocked_at_ms: ms(-10),
      grace_block_ms: null,
    });
    expect(
      db.prepare('SELECT username, password_changed_ms FROM subscriber ORDER BY username').all(),
    ).toEqual([
      { username: 'up-desk', password_changed_ms: ms(-90) },
      { username: 'up-fax', password_changed_ms: ms(-150) },
      { username: 'up-pbx', password_changed_ms: null },
    ]);
  });

  test('the replaced fraud trigger waives the window for the rotated credential only', () => {
    hit('up-desk');
    expect(state('ACC-9101')).toMatchObject({ intl_state: 'allowed' });
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 0 });
    // Rotated before the lifted block was placed: not waived.
    const id = hit('up-fax');
    expect(state('ACC-9101')).toMatchObject({ intl_state: 'blocked', grace_block_ms: null });
    expect(db.prepare('SELECT type, fraud_hit_id FROM outbox').all()).toEqual([
      { type: 'block.placed', fraud_hit_id: id },
    ]);
  });

  test('a lift keeps the lifted block’s time for the window; running the upgrade again changes nothing', () => {
    setInternationalCalling(db, 'ACC-9102', {
      state: 'allowed',
      reason: 'credentials rotated',
      actor: 'tollgate:policy',
      source: 'api',
      graceSeconds: 86_400,
    });
    expect(state('ACC-9102')).toEqual({
      intl_state: 'allowed',
      blocked_at_ms: null,
      grace_block_ms: ms(-10),
    });
    const before = db.prepare('SELECT * FROM accounts ORDER BY number').all();
    createDatabase(path.join(dir, 'switch.db'), { dialTables: false });
    expect(db.prepare('SELECT * FROM accounts ORDER BY number').all()).toEqual(before);
  });
});

// A switch database made before a password change ended the credential's calls: its call_cuts has no
// username column and it has no trigger on subscriber. createDatabase adds both; then a real password
// change queues a row naming the credential (route[DIALOG_CUTS] ends its calls), and nothing else
// does: the same password set again, provisioning a new credential, or provisioning an existing one.
const CALL_CUTS_BEFORE = `
CREATE TABLE accounts (
    number TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    intl_state TEXT NOT NULL DEFAULT 'allowed' CHECK (intl_state IN ('allowed', 'blocked')),
    blocked_at TEXT, reason TEXT, actor TEXT,
    hr_grace_until INTEGER NOT NULL DEFAULT 0,
    country TEXT NOT NULL DEFAULT 'US',
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    blocked_at_ms INTEGER, grace_block_ms INTEGER
);
CREATE TABLE subscriber (
    id INTEGER PRIMARY KEY NOT NULL,
    username VARCHAR(128) NOT NULL,
    domain VARCHAR(64) DEFAULT '' NOT NULL,
    ha1 VARCHAR(128) NOT NULL,
    ha1b VARCHAR(128) DEFAULT '' NOT NULL,
    account_number TEXT NOT NULL REFERENCES accounts (number),
    password_changed_at TEXT,
    password_changed_ms INTEGER,
    CONSTRAINT subscriber_account_idx UNIQUE (username, domain)
);
CREATE TABLE call_cuts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_number TEXT NOT NULL,
    country TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);
CREATE TRIGGER block_ends_international_calls AFTER UPDATE OF intl_state ON accounts
WHEN OLD.intl_state = 'allowed' AND NEW.intl_state = 'blocked'
BEGIN
    INSERT INTO call_cuts (account_number) VALUES (NEW.number);
END;
`;

describe('reference switch: a database made before a password change ended the credential’s calls', () => {
  const REALM = 'tollgate.test';
  let cutDir: string;
  let cutDb: Db;

  beforeAll(() => {
    cutDir = mkdtempSync(path.join(tmpdir(), 'tollgate-upgrade-cuts-'));
    const dbPath = path.join(cutDir, 'switch.db');
    const old = new Database(dbPath);
    old.exec(CALL_CUTS_BEFORE);
    // A block's row still waiting for Kamailio when the switch stopped: it stays a block's row.
    old.exec(`
      INSERT INTO accounts (number, intl_state) VALUES ('ACC-9201', 'blocked');
      INSERT INTO subscriber (username, ha1, ha1b, account_number) VALUES ('cut-desk', 'old', 'oldb', 'ACC-9201');
      INSERT INTO call_cuts (account_number) VALUES ('ACC-9201');
    `);
    old.close();
    createDatabase(dbPath, { dialTables: false });
    cutDb = openDb(dbPath);
  });

  afterAll(() => {
    cutDb?.close();
    if (cutDir) rmSync(cutDir, { recursive: true, force: true });
  });

  const cuts = () =>
    cutDb.prepare('SELECT account_number, country, username FROM call_cuts ORDER BY id').all();
  const blockRow = { account_number: 'ACC-9201', country: null, username: null };
  const deskRow = { account_number: 'ACC-9201', country: null, username: 'cut-desk' };

  test('a real password change queues a cut naming the credential; the pending block keeps its meaning', () => {
    expect(cuts()).toEqual([blockRow]);
    expect(setSubscriberPassword(cutDb, REALM, 'cut-desk', 'First-new-password-77')).toBe(true);
    expect(cuts()).toEqual([blockRow, deskRow]);
  });

  test('the same password set again, or provisioning, queues nothing', () => {
    // Moves password_changed_at/_ms and ends the registrations, but the digest hashes are the same.
    expect(setSubscriberPassword(cutDb, REALM, 'cut-desk', 'First-new-password-77')).toBe(true);
    provision(cutDb, REALM, {
      accounts: [
        {
          number: 'ACC-9201',
          credentials: [
            { username: 'cut-desk', password: 'What-the-file-says-1' },
            { username: 'cut-new', password: 'A-new-credential-2' },
          ],
        },
      ],
    });
    expect(cuts()).toEqual([blockRow, deskRow]);
    // A change of another credential names that one alone.
    expect(setSubscriberPassword(cutDb, REALM, 'cut-new', 'Second-new-password-8')).toBe(true);
    expect(cuts()).toEqual([blockRow, deskRow, { ...deskRow, username: 'cut-new' }]);
  });

  test('running the upgrade again keeps one trigger: one change, one row', () => {
    createDatabase(path.join(cutDir, 'switch.db'), { dialTables: false });
    cutDb.prepare('DELETE FROM call_cuts').run();
    expect(setSubscriberPassword(cutDb, REALM, 'cut-desk', 'Third-new-password-99')).toBe(true);
    expect(cuts()).toEqual([deskRow]);
  });
});
