import type { Db } from './db';

// The switch's own records: accounts, SIP credentials, their registrations, and a history of
// international-calling changes (so a test can count how many lifts actually reached the switch).

export type CallingState = 'allowed' | 'blocked';
export type ChangeSource = 'api' | 'fraud' | 'control';

type AccountRow = {
  account_number: string;
  international_calling: CallingState;
  reason: string | null;
  blocked_at: string | null;
};

/** The CONTRACTS §3 view of an account. */
export type AccountView = {
  accountNumber: string;
  internationalCalling: CallingState;
  blockedAt: string | null;
  reason: string | null;
  allowances?: Allowance[];
};

export function getAccount(db: Db, accountNumber: string): AccountView | null {
  const row = db.prepare('SELECT * FROM accounts WHERE account_number = ?').get(accountNumber) as
    AccountRow | undefined;
  return row
    ? {
        accountNumber: row.account_number,
        internationalCalling: row.international_calling,
        blockedAt: row.blocked_at,
        reason: row.reason,
        allowances: liveAllowances(db, accountNumber),
      }
    : null;
}

export type Allowance = { country: string; until: string };

/**
 * The account's destination allowances that have not expired (issue 16). Expired rows are deleted
 * on the way: the switch drops them by itself, and nothing needs to tell it.
 */
export function liveAllowances(db: Db, accountNumber: string, now: Date = new Date()): Allowance[] {
  const rows = db
    .prepare('SELECT country, until FROM allowances WHERE account_number = ? ORDER BY country')
    .all(accountNumber) as Allowance[];
  const expired = rows.filter((r) => Date.parse(r.until) <= now.getTime());
  for (const r of expired)
    db.prepare('DELETE FROM allowances WHERE account_number = ? AND country = ?').run(
      accountNumber,
      r.country,
    );
  return rows.filter((r) => Date.parse(r.until) > now.getTime());
}

/** Adds or extends allowances: a country already allowed gets the new `until`. */
export function putAllowances(
  db: Db,
  accountNumber: string,
  a: { countries: string[]; until: string; reason: string; actor: string },
): Allowance[] {
  const upsert =
    db.prepare(`INSERT INTO allowances (account_number, country, until, reason, actor) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (account_number, country) DO UPDATE SET until = excluded.until, reason = excluded.reason, actor = excluded.actor`);
  for (const c of a.countries)
    upsert.run(accountNumber, c, new Date(a.until).toISOString(), a.reason, a.actor);
  return liveAllowances(db, accountNumber);
}

/** Ends one allowance now (DELETE, or the control API's "time passes"). True when there was one. */
export function deleteAllowance(db: Db, accountNumber: string, country: string): boolean {
  return (
    db.prepare('DELETE FROM allowances WHERE account_number = ? AND country = ?').run(accountNumber, country)
      .changes > 0
  );
}

/**
 * Sets international calling and records the change. Blocking an already blocked account keeps the
 * original blockedAt and reason (the block is the same block); allowing clears both.
 */
export function setCalling(
  db: Db,
  accountNumber: string,
  change: { state: CallingState; reason: string | null; actor: string; source: ChangeSource; at?: string },
): AccountView {
  const at = change.at ?? new Date().toISOString();
  const current = getAccount(db, accountNumber);
  if (!current) throw new Error(`unknown account ${accountNumber}`);
  const keep =
    change.state === 'blocked' && current.internationalCalling === 'blocked' && change.source === 'api';
  db.prepare(
    'UPDATE accounts SET international_calling = ?, reason = ?, blocked_at = ?, updated_at = ? WHERE account_number = ?',
  ).run(
    change.state,
    change.state === 'allowed' ? null : keep ? current.reason : change.reason,
    change.state === 'allowed' ? null : keep ? current.blockedAt : at,
    at,
    accountNumber,
  );
  db.prepare(
    'INSERT INTO calling_changes (account_number, state, reason, actor, source, at) VALUES (?, ?, ?, ?, ?, ?)',
  ).run(accountNumber, change.state, change.reason, change.actor, change.source, at);
  return getAccount(db, accountNumber)!;
}

export function upsertAccount(db: Db, a: AccountView): void {
  db.prepare(
    `INSERT INTO accounts (account_number, international_calling, reason, blocked_at, updated_at) VALUES (?, ?, ?, ?, ?)
    ON CONFLICT (account_number) DO UPDATE SET international_calling = excluded.international_calling,
      reason = excluded.reason, blocked_at = excluded.blocked_at, updated_at = excluded.updated_at`,
  ).run(
    a.accountNumber,
    a.internationalCalling,
    a.internationalCalling === 'blocked' ? a.reason : null,
    a.internationalCalling === 'blocked' ? a.blockedAt : null,
    new Date().toISOString(),
  );
}

export type CredentialRow = {
  username: string;
  account_number: string;
  password_hash: string | null;
  password_changed_at: string | null;
  password_changes: number;
};

export function getCredential(db: Db, username: string): CredentialRow | null {
  return (
    (db.prepare('SELECT * FROM credentials WHERE username = ?').get(username) as CredentialRow | undefined) ??
    null
  );
}

export function credentialsOf(db: Db, accountNumber: string): CredentialRow[] {
  return db
    .prepare('SELECT * FROM credentials WHERE account_number = ? ORDER BY username')
    .all(accountNumber) as CredentialRow[];
}

/** Provisioning: creates or moves a credential; a `null` hash keeps the existing password. */
export function upsertCredential(
  db: Db,
  username: string,
  accountNumber: string,
  passwordHash: string | null,
): void {
  db.prepare(
    `INSERT INTO credentials (username, account_number, password_hash) VALUES (?, ?, ?)
    ON CONFLICT (username) DO UPDATE SET account_number = excluded.account_number,
      password_hash = COALESCE(excluded.password_hash, credentials.password_hash)`,
  ).run(username, accountNumber, passwordHash);
}

/**
 * A password change through the API: counted, so a test can assert it was applied exactly once. It
 * also ends every registration of the credential (CONTRACTS §3), as a registrar deleting the AoR's
 * bindings would: a phone must register again with the new password, an attacker's binding is gone.
 */
export function changePassword(db: Db, username: string, passwordHash: string): void {
  db.prepare(
    'UPDATE credentials SET password_hash = ?, password_changed_at = ?, password_changes = password_changes + 1 WHERE username = ?',
  ).run(passwordHash, new Date().toISOString(), username);
  db.prepare('DELETE FROM registrations WHERE username = ?').run(username);
}

export type Registration = { contact: string; sourceIp: string; userAgent: string; expiresAt: string };

export function setRegistrations(db: Db, username: string, regs: Registration[]): void {
  db.prepare('DELETE FROM registrations WHERE username = ?').run(username);
  const insert = db.prepare(
    'INSERT INTO registrations (username, contact, source_ip, user_agent, expires_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (const r of regs) insert.run(username, r.contact, r.sourceIp, r.userAgent, r.expiresAt);
}

/** Only registrations that have not expired, as a registrar would report them. */
export function liveRegistrations(db: Db, username: string, now: Date = new Date()): Registration[] {
  const rows = db
    .prepare(
      'SELECT contact, source_ip, user_agent, expires_at FROM registrations WHERE username = ? ORDER BY rowid',
    )
    .all(username) as { contact: string; source_ip: string; user_agent: string; expires_at: string }[];
  return rows
    .filter((r) => Date.parse(r.expires_at) > now.getTime())
    .map((r) => ({
      contact: r.contact,
      sourceIp: r.source_ip,
      userAgent: r.user_agent,
      expiresAt: r.expires_at,
    }));
}

export function callingChanges(db: Db, accountNumber: string) {
  return db
    .prepare(
      'SELECT state, reason, actor, source, at FROM calling_changes WHERE account_number = ? ORDER BY id',
    )
    .all(accountNumber) as {
    state: CallingState;
    reason: string | null;
    actor: string;
    source: ChangeSource;
    at: string;
  }[];
}
