-- Tollgate reference switch: the one SQLite database shared by Kamailio (usrloc, sqlops)
-- and the companion (switch API + event delivery). Applied by switch/kamailio/src/db.ts, which
-- switches the file to WAL *before* Kamailio opens it (the journal mode cannot be changed while
-- Kamailio holds the file open, and rollback-journal mode loses writes under concurrent load).
--
-- Kamailio's own tables (version, subscriber, location, location_attrs) keep the column names and
-- types of Kamailio 5.6's stock db_sqlite schema (/usr/share/kamailio/db_sqlite/), with two
-- deliberate differences in `subscriber`: there is no clear-text `password` column at all
-- (kamailio.cfg route[CREDENTIAL] reads `ha1` for the whole username), and each subscriber belongs to a provider account.

CREATE TABLE IF NOT EXISTS version (
    id INTEGER PRIMARY KEY NOT NULL,
    table_name VARCHAR(32) NOT NULL,
    table_version INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT version_table_name_idx UNIQUE (table_name)
);

INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('version', 1);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('subscriber', 7);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('location', 9);
INSERT OR IGNORE INTO version (table_name, table_version) VALUES ('location_attrs', 1);

-- A provider account (what Tollgate calls a customer account). The international toll block lives
-- here, per account, and is read by Kamailio on every INVITE (so a change applies to the next call).
CREATE TABLE IF NOT EXISTS accounts (
    number TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL DEFAULT '',
    intl_state TEXT NOT NULL DEFAULT 'allowed' CHECK (intl_state IN ('allowed', 'blocked')),
    blocked_at TEXT,                       -- ISO-8601 UTC, set while blocked
    reason TEXT,                           -- block reason, set while blocked
    actor TEXT,                            -- who made the last change ('switch' for the fraud rules)
    hr_grace_until INTEGER NOT NULL DEFAULT 0, -- unix seconds; see docs/reference-switch.md "Lifts"
    country TEXT NOT NULL DEFAULT 'US',    -- ISO 3166-1 alpha-2: how the account's phones dial (dial_plans)
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    -- Added 2026-12 (src/db.ts adds them to an older file). Unix milliseconds on this host's clock, so
    -- that a password set a moment after a block is told from one set a moment before it.
    blocked_at_ms INTEGER,                 -- when the block in place was placed; NULL while allowed
    -- The lifted block's blocked_at_ms, kept by the lift (which clears blocked_at): the grace window
    -- waives the high-risk rule only for a credential whose password_changed_ms is later than this.
    grace_block_ms INTEGER
);

-- SIP credentials. ha1 = md5(username:realm:password), ha1b = md5(username@realm:realm:password).
-- No clear-text password is stored anywhere. password_changed_at / _ms: the last change through the
-- switch API or `run.sh set-password` (src/provision.ts setSubscriberPassword), NULL for a password
-- provisioning created and nothing changed since; _ms (unix milliseconds, added 2026-12 by src/db.ts
-- to an older file) is what the grace window compares (accounts.grace_block_ms). A change of ha1/ha1b
-- ends the credential's calls in progress (trigger password_change_ends_its_calls, below).
CREATE TABLE IF NOT EXISTS subscriber (
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
-- Digest usernames are looked up whole, in one realm: a username must be unique across domains.
CREATE UNIQUE INDEX IF NOT EXISTS subscriber_username_uq ON subscriber (username);
CREATE INDEX IF NOT EXISTS subscriber_account_number_idx ON subscriber (account_number);

-- usrloc (db_mode 3, DB-only): the registrations. `expires` is written by db_sqlite as a Julian day
-- number (REAL), `received` as sip:<source ip>:<port> (fix_nated_register).
CREATE TABLE IF NOT EXISTS location (
    id INTEGER PRIMARY KEY NOT NULL,
    ruid VARCHAR(64) DEFAULT '' NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT NULL,
    contact VARCHAR(512) DEFAULT '' NOT NULL,
    received VARCHAR(128) DEFAULT NULL,
    path VARCHAR(512) DEFAULT NULL,
    expires TIMESTAMP WITHOUT TIME ZONE DEFAULT '2030-05-28 21:32:15' NOT NULL,
    q REAL DEFAULT 1.0 NOT NULL,
    callid VARCHAR(255) DEFAULT 'Default-Call-ID' NOT NULL,
    cseq INTEGER DEFAULT 1 NOT NULL,
    last_modified TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL,
    flags INTEGER DEFAULT 0 NOT NULL,
    cflags INTEGER DEFAULT 0 NOT NULL,
    user_agent VARCHAR(255) DEFAULT '' NOT NULL,
    socket VARCHAR(64) DEFAULT NULL,
    methods INTEGER DEFAULT NULL,
    instance VARCHAR(255) DEFAULT NULL,
    reg_id INTEGER DEFAULT 0 NOT NULL,
    server_id INTEGER DEFAULT 0 NOT NULL,
    connection_id INTEGER DEFAULT 0 NOT NULL,
    keepalive INTEGER DEFAULT 0 NOT NULL,
    partition INTEGER DEFAULT 0 NOT NULL,
    CONSTRAINT location_ruid_idx UNIQUE (ruid)
);
CREATE INDEX IF NOT EXISTS location_account_contact_idx ON location (username, domain, contact);
CREATE INDEX IF NOT EXISTS location_expires_idx ON location (expires);
CREATE INDEX IF NOT EXISTS location_tcpcon_idx ON location (connection_id);
CREATE INDEX IF NOT EXISTS location_connection_idx ON location (server_id, connection_id);

CREATE TABLE IF NOT EXISTS location_attrs (
    id INTEGER PRIMARY KEY NOT NULL,
    ruid VARCHAR(64) DEFAULT '' NOT NULL,
    username VARCHAR(64) DEFAULT '' NOT NULL,
    domain VARCHAR(64) DEFAULT NULL,
    aname VARCHAR(64) DEFAULT '' NOT NULL,
    atype INTEGER DEFAULT 0 NOT NULL,
    avalue VARCHAR(512) DEFAULT '' NOT NULL,
    last_modified TIMESTAMP WITHOUT TIME ZONE DEFAULT '2000-01-01 00:00:01' NOT NULL
);
CREATE INDEX IF NOT EXISTS location_attrs_account_record_idx ON location_attrs (username, domain, ruid);
CREATE INDEX IF NOT EXISTS location_attrs_last_modified_idx ON location_attrs (last_modified);

-- Fraud rules, read by Kamailio on every INVITE (changes apply to the next call, no reload).
-- Prefixes are E.164 with '+'; Kamailio rewrites a dialled 00… to +… before matching.
CREATE TABLE IF NOT EXISTS high_risk_prefixes (
    prefix TEXT PRIMARY KEY NOT NULL CHECK (prefix GLOB '+[0-9]*' AND length(prefix) BETWEEN 2 AND 16),
    label TEXT NOT NULL DEFAULT ''
);
-- Dialling plans, written by the companion at start-up from libphonenumber's metadata
-- (src/dial-plans.ts), so that Kamailio reads a dialled number as the portal does: E.164, the
-- account country's IDD prefix, "00", a valid national number, or valid bare E.164 digits.
CREATE TABLE IF NOT EXISTS dial_plans (
    country TEXT PRIMARY KEY NOT NULL,
    calling_code TEXT NOT NULL,
    national_prefix TEXT NOT NULL DEFAULT '',
    national_lengths TEXT NOT NULL DEFAULT ',' -- ",10," : possible lengths of national significant numbers
);
CREATE TABLE IF NOT EXISTS idd_prefixes (
    country TEXT NOT NULL,
    prefix TEXT NOT NULL,
    PRIMARY KEY (country, prefix)
);
-- NANP area codes, read until 2026-12: number_ranges says which national numbers are valid now.
DROP TABLE IF EXISTS national_leading;
-- What comes before a national significant number as a country's phones dial it (src/national-forms.ts,
-- libphonenumber's national_prefix_for_parsing): the first row by priority whose glob matches the
-- first `length` digits (and, if anchored, all of them) gives the national number: literal, then the
-- group_length digits from group_start, then the digits after `length`. "0" strips GB's trunk prefix;
-- AR's "0 11 15 …" becomes "9 11 …"; AG's seven digits "462 1234" become "268 462 1234".
CREATE TABLE IF NOT EXISTS national_forms (
    country TEXT NOT NULL,
    priority INTEGER NOT NULL,
    glob TEXT NOT NULL,
    length INTEGER NOT NULL,
    anchored INTEGER NOT NULL,
    literal TEXT NOT NULL,
    group_start INTEGER NOT NULL,
    group_length INTEGER NOT NULL,
    PRIMARY KEY (country, priority)
) WITHOUT ROWID;
-- Every valid number libphonenumber knows (src/number-ranges.ts): an E.164 number `length` characters
-- long ('+' included) that starts with `prefix` is valid, and belongs to `region` ('001': a
-- non-geographic code such as +882). At most one row matches a number.
CREATE TABLE IF NOT EXISTS number_ranges (
    length INTEGER NOT NULL,
    prefix TEXT NOT NULL,
    region TEXT NOT NULL,
    PRIMARY KEY (length, prefix)
) WITHOUT ROWID;
-- The region of a number outside number_ranges, longest match: "+252" → SO (a code of one region),
-- "+1876" → JM and "+77" → KZ (leading digits of a region sharing a code), "+882" → 001 (no country).
-- A shared code has no row of its own: an invalid "+44…" belongs to no region, as in the portal.
CREATE TABLE IF NOT EXISTS region_prefixes (
    prefix TEXT PRIMARY KEY NOT NULL,
    region TEXT NOT NULL
);
-- Every calling code and the region whose plan reads its national numbers (src/dial-plans.ts): "44" →
-- GB, "1" → US, "882" → 001. The policy reads "+44 (0)20…" with GB's national_forms, as libphonenumber
-- does, so a trunk prefix written after the country code is dropped when that gives a valid number.
CREATE TABLE IF NOT EXISTS calling_codes (
    code TEXT PRIMARY KEY NOT NULL,
    main TEXT NOT NULL
);
-- Regions whose national numbers an account's phones dial as their own (lib/phone/plan.ts
-- nationalPlanSiblings: France and its overseas departments, one ten-digit plan under four codes).
CREATE TABLE IF NOT EXISTS national_plan_siblings (
    country TEXT NOT NULL,
    sibling TEXT NOT NULL,
    PRIMARY KEY (country, sibling)
);
-- Short codes longer than five digits that an account's country routes as dialled (src/emergency-
-- numbers.ts): the EU's harmonised 116xxx (116000, 116111, 116117, 116123…) and the six-digit directory
-- enquiries 118xxx where the national plan has them. A GLOB over the whole dialled number: '116???'.
CREATE TABLE IF NOT EXISTS short_codes (
    country TEXT NOT NULL,
    pattern TEXT NOT NULL CHECK (pattern NOT GLOB '*[^0-9?]*' AND length(pattern) BETWEEN 2 AND 8),
    PRIMARY KEY (country, pattern)
);
-- Emergency numbers per account country, written by the companion at start-up from
-- src/emergency-numbers.ts: kamailio.cfg route[EMERGENCY] routes them as dialled, before any rule.
CREATE TABLE IF NOT EXISTS emergency_numbers (
    country TEXT NOT NULL,
    number TEXT NOT NULL CHECK (number NOT GLOB '*[^0-9]*' AND length(number) BETWEEN 2 AND 6),
    PRIMARY KEY (country, number)
);
-- A PBX's outside-line access codes (lib/phone/pbx.ts PBX_ACCESS_CODES, written with the emergency
-- numbers): route[EMERGENCY] takes "9 112" or "0 112" from a PBX extension as the emergency number.
CREATE TABLE IF NOT EXISTS pbx_access_codes (
    code TEXT PRIMARY KEY NOT NULL CHECK (code NOT GLOB '*[^0-9]*' AND length(code) BETWEEN 1 AND 2)
);
-- Source ranges in CIDR notation (IPv4 or IPv6), matched with ipops is_in_subnet().
CREATE TABLE IF NOT EXISTS hotspot_ranges (
    cidr TEXT PRIMARY KEY NOT NULL,
    label TEXT NOT NULL DEFAULT ''
);

-- Every call the fraud rules refused. Kamailio inserts one row (one SQL statement, with retries);
-- the trigger below turns the first hit on an allowed account into a block and an outbox event,
-- atomically, so two simultaneous fraud calls place one block and send one event.
CREATE TABLE IF NOT EXISTS fraud_hits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_number TEXT NOT NULL,
    at INTEGER NOT NULL,                   -- unix seconds
    from_user TEXT NOT NULL,               -- authenticated SIP username
    to_number TEXT NOT NULL,               -- dialled number, +E.164 for international calls
    source_ip TEXT NOT NULL,
    source_port INTEGER NOT NULL DEFAULT 0,
    call_id TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL CHECK (reason IN ('high_risk_destination', 'hotspot_source_ip', 'suspicious_pattern'))
);
CREATE INDEX IF NOT EXISTS fraud_hits_account_idx ON fraud_hits (account_number, at);

-- Switch events waiting for (or done with) delivery to Tollgate (CONTRACTS §4). The companion
-- builds `body` once (with its event id) so that every retry sends the same event.
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL CHECK (type IN ('block.placed', 'block.lifted')),
    account_number TEXT NOT NULL,
    created_at INTEGER NOT NULL,           -- unix seconds
    reason TEXT,                           -- block.placed
    actor TEXT,                            -- block.lifted
    fraud_hit_id INTEGER REFERENCES fraud_hits (id),
    event_id TEXT UNIQUE,
    body TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL DEFAULT 0, -- unix milliseconds
    delivered_at INTEGER,                  -- unix milliseconds
    abandoned_at INTEGER,                  -- unix milliseconds; gave up after the retry horizon
    last_status INTEGER,
    last_error TEXT
);
CREATE INDEX IF NOT EXISTS outbox_pending_idx ON outbox (delivered_at, abandoned_at, seq);
-- The delivery query reads each account's oldest pending row (src/events.ts).
CREATE INDEX IF NOT EXISTS outbox_account_pending_idx ON outbox (account_number, seq)
    WHERE delivered_at IS NULL AND abandoned_at IS NULL;

-- History of every change of an account's international calling (fraud rules, API, operator CLI).
CREATE TABLE IF NOT EXISTS account_changes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_number TEXT NOT NULL,
    at TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    reason TEXT,
    actor TEXT,
    source TEXT NOT NULL,                  -- 'fraud-rule' | 'api' | 'cli'
    idempotency_key TEXT
);

-- Dropped and created again by every createDatabase (in one transaction, src/db.ts), so that a file
-- made before 2026-12 gets the rule below instead of keeping its first version, which waived the
-- high-risk rule in the grace window for every credential of the account.
DROP TRIGGER IF EXISTS fraud_hit_places_block;
CREATE TRIGGER IF NOT EXISTS fraud_hit_places_block AFTER INSERT ON fraud_hits
WHEN EXISTS (
    SELECT 1 FROM accounts a
    WHERE a.number = NEW.account_number
      AND a.intl_state = 'allowed'
      -- The grace window after a lift waives the destination rule only, never the hotspot rule, and
      -- only for a call through a credential whose password was changed after the lifted block was
      -- placed (kamailio.cfg route[OUTBOUND] reads it the same way; docs/reference-switch.md "Lifts
      -- and the grace window"). Any other credential of the account may be the attacker's still.
      AND NOT (NEW.reason = 'high_risk_destination' AND a.hr_grace_until > NEW.at
               AND EXISTS (SELECT 1 FROM subscriber s WHERE s.username = NEW.from_user
                                                        AND s.password_changed_ms > a.grace_block_ms))
)
BEGIN
    UPDATE accounts
       SET intl_state = 'blocked',
           blocked_at = strftime('%Y-%m-%dT%H:%M:%SZ', NEW.at, 'unixepoch'),
           blocked_at_ms = CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER),
           reason = NEW.reason,
           actor = 'switch',
           hr_grace_until = 0,
           grace_block_ms = NULL,
           updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
     WHERE number = NEW.account_number;
    INSERT INTO account_changes (account_number, at, from_state, to_state, reason, actor, source)
    VALUES (NEW.account_number, strftime('%Y-%m-%dT%H:%M:%SZ', NEW.at, 'unixepoch'), 'allowed', 'blocked',
            NEW.reason, 'switch', 'fraud-rule');
    INSERT INTO outbox (type, account_number, created_at, reason, fraud_hit_id)
    VALUES ('block.placed', NEW.account_number, NEW.at, NEW.reason, NEW.id);
END;

-- Calls in progress to be ended (kamailio.cfg route[DIALOG_CUTS], every second, deletes the rows it
-- handled): an account's international calls when it goes from allowed to blocked, whichever path
-- blocked it (the fraud rules' trigger above, the switch API, the operator CLI); with `country`, the
-- calls a destination allowance let through when its row is deleted (ended by support, or expired
-- and removed by the companion), ended only while the account is blocked; and, with `username`, every
-- call in progress through that SIP credential (emergency calls excepted) when its password changes.
-- The first version of this table (dialog_cuts, one day on main) is replaced.
DROP TRIGGER IF EXISTS block_ends_international_calls;
DROP TABLE IF EXISTS dialog_cuts;
CREATE TABLE IF NOT EXISTS call_cuts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    account_number TEXT NOT NULL,
    country TEXT,                          -- NULL: a block; else the allowance's ISO 3166-1 alpha-2
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    -- Added 2026-12 (src/db.ts adds it to an older file): the credential whose password changed (its
    -- whole SIP username); NULL for a block's or an allowance's row.
    username TEXT
);

CREATE TRIGGER IF NOT EXISTS block_ends_international_calls AFTER UPDATE OF intl_state ON accounts
WHEN OLD.intl_state = 'allowed' AND NEW.intl_state = 'blocked'
BEGIN
    INSERT INTO call_cuts (account_number) VALUES (NEW.number);
END;

-- A password change ends the credential's calls in progress: whoever set them up with the old password
-- (the attacker the customer rotated it against, calling a premium number that is no high-risk
-- destination) must not keep them until the dialog timeout. Only a real change: the digest hashes
-- (ha1, and ha1b, which setSubscriberPassword writes with it) differ from before, whichever path wrote
-- them (the switch API, `run.sh set-password`). Setting the same password again (it still moves
-- password_changed_at/_ms and ends the registrations) ends no call; provisioning only inserts new
-- credentials (an INSERT fires no UPDATE trigger) and never updates an existing one's hashes.
-- Dropped and created again by every createDatabase, as fraud_hit_places_block, so that a file keeps
-- no older version of it.
DROP TRIGGER IF EXISTS password_change_ends_its_calls;
CREATE TRIGGER IF NOT EXISTS password_change_ends_its_calls AFTER UPDATE OF ha1, ha1b ON subscriber
WHEN OLD.ha1 IS NOT NEW.ha1 OR OLD.ha1b IS NOT NEW.ha1b
BEGIN
    INSERT INTO call_cuts (account_number, username) VALUES (NEW.account_number, NEW.username);
END;

-- Switch API idempotency (CONTRACTS §3): the first successful answer to a key is kept and replayed.
CREATE TABLE IF NOT EXISTS idempotency_keys (
    key TEXT PRIMARY KEY NOT NULL,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response_body TEXT NOT NULL,
    created_at INTEGER NOT NULL            -- unix milliseconds
);
CREATE INDEX IF NOT EXISTS idempotency_keys_created_idx ON idempotency_keys (created_at);

-- Destination allowances (issue 16, CONTRACTS §3): while an account is blocked, Kamailio lets an
-- international call through when the destination's region (region_prefixes, longest match) has a
-- row here whose until_ms lies ahead (compared with SQLite's clock in the policy query, so an
-- allowance ends at its `until` without anything deleting it). The companion leaves expired rows
-- out of every answer and deletes them.
CREATE TABLE IF NOT EXISTS destination_allowances (
    account_number TEXT NOT NULL REFERENCES accounts (number),
    country TEXT NOT NULL CHECK (length(country) = 2 AND country GLOB '[A-Z][A-Z]'), -- ISO 3166-1 alpha-2
    until_ms INTEGER NOT NULL,             -- unix milliseconds
    reason TEXT NOT NULL,
    actor TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (account_number, country)
);

CREATE TRIGGER IF NOT EXISTS allowance_end_ends_its_calls AFTER DELETE ON destination_allowances
BEGIN
    INSERT INTO call_cuts (account_number, country) VALUES (OLD.account_number, OLD.country);
END;

-- What the switch was last started with, for the operator's other commands (src/cli.ts): `realm`,
-- the digest realm Kamailio checks every ha1 against (written by src/launcher.ts at every start). A
-- `set-password` or `provision` that hashed with another realm would write a password no phone can
-- use, so the CLI takes the realm from here and refuses a different --realm / SWITCH_REALM.
CREATE TABLE IF NOT EXISTS switch_settings (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
