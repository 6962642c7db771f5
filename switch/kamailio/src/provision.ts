import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import type { Db } from './db';
import { nowIso } from './db';
import { isSupportedCountry } from 'libphonenumber-js/max';

// The same shapes Tollgate uses for the wire (lib/switch/schemas.ts), kept here so that the
// reference switch stays a stand-alone program a provider can deploy without the portal's code.
export const ACCOUNT_NUMBER_RE = /^ACC-[0-9A-Z]{1,20}$/;
export const SIP_USERNAME_RE = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
export const PREFIX_RE = /^\+[0-9]{1,15}$/;
export const PASSWORD_MAX = 128;

export interface ProvisionCredential {
  username: string;
  /** Clear text only in transit: hashed to ha1/ha1b here and never stored. */
  password: string;
}

export interface ProvisionAccount {
  number: string;
  name?: string;
  /** ISO 3166-1 alpha-2 (default US): how the account's phones dial national and international numbers. */
  country?: string;
  /** Initial state for a new account; an existing account keeps its state unless `force` is set. */
  internationalCalling?: 'allowed' | 'blocked';
  credentials?: ProvisionCredential[];
}

export interface ProvisionSpec {
  accounts?: ProvisionAccount[];
  /** Replaces the high-risk destination prefixes (E.164 with '+', e.g. "+252"). */
  highRiskPrefixes?: string[];
  /** Replaces the hotspot source ranges (CIDR, IPv4 or IPv6). */
  hotspotRanges?: string[];
}

const md5 = (s: string): string => createHash('md5').update(s, 'utf8').digest('hex');

/** ha1 for digest auth with use_domain = 0, and ha1b for clients that send user@domain. */
export function digestHashes(
  username: string,
  realm: string,
  password: string,
): { ha1: string; ha1b: string } {
  return {
    ha1: md5(`${username}:${realm}:${password}`),
    ha1b: md5(`${username}@${realm}:${realm}:${password}`),
  };
}

export function validatePassword(password: unknown): string | null {
  if (typeof password !== 'string') return 'password must be a string';
  if (password.length < 1 || password.length > PASSWORD_MAX)
    return `password must be 1–${PASSWORD_MAX} characters`;
  return null;
}

export function normalizeCidr(cidr: string): string {
  const m = /^([^/]+)(?:\/(\d{1,3}))?$/.exec(cidr.trim());
  const family = m ? isIP(m[1]) : 0;
  if (!m || family === 0) throw new Error(`not a CIDR range: ${JSON.stringify(cidr)}`);
  const bits = m[2] === undefined ? (family === 4 ? 32 : 128) : Number(m[2]);
  if (bits > (family === 4 ? 32 : 128)) throw new Error(`bad prefix length in ${JSON.stringify(cidr)}`);
  return `${m[1]}/${bits}`;
}

/**
 * Sets a SIP password: new ha1 (effective on the next REGISTER or INVITE), the changed-at time
 * (password_changed_at, ISO-8601, and password_changed_ms, unix ms: what the grace window after a lift
 * compares, docs/reference-switch.md "Lifts and the grace window"), and ends current registrations
 * (CONTRACTS §3). The only way an existing credential's password changes: the switch API and
 * `run.sh set-password` call it, provisioning never does. Returns false for an unknown username.
 */
export function setSubscriberPassword(db: Db, realm: string, username: string, password: string): boolean {
  const { ha1, ha1b } = digestHashes(username, realm, password);
  return db
    .transaction(() => {
      const nowMs = Date.now();
      const r = db
        .prepare(
          'UPDATE subscriber SET ha1 = ?, ha1b = ?, password_changed_at = ?, password_changed_ms = ? WHERE username = ?',
        )
        .run(ha1, ha1b, nowIso(nowMs), nowMs, username);
      if (r.changes === 0) return false;
      // A rotated password is a fraud response: a device (or an attacker) registered with the old
      // password must not keep receiving calls until its binding expires. It registers again.
      db.prepare('DELETE FROM location WHERE username = ?').run(username);
      return true;
    })
    .immediate(); // a savepoint when nested in the API's transaction
}

/** What provision did with the credentials it was given (usernames). */
export interface ProvisionResult {
  /** New credentials, with the file's password. */
  created: string[];
  /** Credentials the switch had already: their password was left as it is. */
  kept: string[];
  /** Those of `kept` whose password in the file is not the one in force (it was changed since). */
  keptDiffering: string[];
}

/**
 * Idempotent provisioning: creates the accounts and SIP credentials (ha1 only) that are missing,
 * updates an existing account's name and country, and replaces the fraud-rule lists when given.
 * It never changes the password of a credential the switch has: `start` provisions from the same
 * file at every start, and overwriting put back the password a customer had rotated after a break-in
 * (the guessed one worked again, the customer's phones got 401). A password changes only through
 * setSubscriberPassword (the switch API, `run.sh set-password`), which also ends the credential's
 * registrations and records when. Throws on invalid input before changing anything.
 */
export function provision(db: Db, realm: string, spec: ProvisionSpec): ProvisionResult {
  const result: ProvisionResult = { created: [], kept: [], keptDiffering: [] };
  for (const a of spec.accounts ?? []) {
    if (!ACCOUNT_NUMBER_RE.test(a.number))
      throw new Error(`bad account number ${JSON.stringify(a.number)} (ACC-1001 style)`);
    if (a.country !== undefined && !isSupportedCountry(a.country))
      throw new Error(
        `bad country ${JSON.stringify(a.country)} for ${a.number} (ISO 3166-1 alpha-2, e.g. US)`,
      );
    if (
      a.internationalCalling &&
      a.internationalCalling !== 'allowed' &&
      a.internationalCalling !== 'blocked'
    ) {
      throw new Error(`bad internationalCalling for ${a.number}`);
    }
    for (const c of a.credentials ?? []) {
      if (!SIP_USERNAME_RE.test(c.username))
        throw new Error(`bad SIP username ${JSON.stringify(c.username)}`);
      const problem = validatePassword(c.password);
      if (problem) throw new Error(`${c.username}: ${problem}`);
    }
  }
  const prefixes = spec.highRiskPrefixes?.map((p) => {
    if (!PREFIX_RE.test(p))
      throw new Error(`bad high-risk prefix ${JSON.stringify(p)} (E.164 with '+', e.g. +252)`);
    return p;
  });
  const ranges = spec.hotspotRanges?.map(normalizeCidr);

  db.transaction(() => {
    const nowMs = Date.now();
    const now = nowIso(nowMs);
    for (const a of spec.accounts ?? []) {
      const existing = db.prepare('SELECT number FROM accounts WHERE number = ?').get(a.number);
      if (existing) {
        if (a.name !== undefined)
          db.prepare('UPDATE accounts SET name = ?, updated_at = ? WHERE number = ?').run(
            a.name,
            now,
            a.number,
          );
        if (a.country !== undefined)
          db.prepare('UPDATE accounts SET country = ?, updated_at = ? WHERE number = ?').run(
            a.country,
            now,
            a.number,
          );
      } else {
        const blocked = a.internationalCalling === 'blocked';
        db.prepare(
          `INSERT INTO accounts (number, name, country, intl_state, blocked_at, blocked_at_ms, reason, actor, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          a.number,
          a.name ?? '',
          a.country ?? 'US',
          blocked ? 'blocked' : 'allowed',
          blocked ? now : null,
          blocked ? nowMs : null,
          blocked ? 'manual' : null,
          'provisioning',
          now,
        );
      }
      for (const c of a.credentials ?? []) {
        const owner = db
          .prepare('SELECT account_number, ha1 FROM subscriber WHERE username = ?')
          .get(c.username) as { account_number: string; ha1: string } | undefined;
        if (owner && owner.account_number !== a.number) {
          throw new Error(`SIP username ${c.username} already belongs to ${owner.account_number}`);
        }
        const { ha1, ha1b } = digestHashes(c.username, realm, c.password);
        if (owner) {
          // Never overwritten: see the docstring.
          result.kept.push(c.username);
          if (owner.ha1 !== ha1) result.keptDiffering.push(c.username);
        } else {
          result.created.push(c.username);
          db.prepare(
            'INSERT INTO subscriber (username, domain, ha1, ha1b, account_number) VALUES (?, ?, ?, ?, ?)',
          ).run(c.username, realm, ha1, ha1b, a.number);
        }
      }
    }
    if (prefixes) {
      db.prepare('DELETE FROM high_risk_prefixes').run();
      const ins = db.prepare('INSERT OR IGNORE INTO high_risk_prefixes (prefix) VALUES (?)');
      for (const p of prefixes) ins.run(p);
    }
    if (ranges) {
      db.prepare('DELETE FROM hotspot_ranges').run();
      const ins = db.prepare('INSERT OR IGNORE INTO hotspot_ranges (cidr) VALUES (?)');
      for (const r of ranges) ins.run(r);
    }
  }).immediate();
  return result;
}

/**
 * One line saying what provision did with the credentials, for the operator's log (`start`) and the
 * `provision` command: how many were created, how many kept their password, and which of those the
 * file would have changed (with how to change one).
 */
export function describeProvisioning(r: ProvisionResult): string {
  let line = `${r.created.length} credential(s) created, ${r.kept.length} existing kept their password (provisioning never changes one)`;
  if (r.keptDiffering.length > 0)
    line += `; the file's password differs for ${r.keptDiffering.join(', ')}: change a password with run.sh set-password or the switch API`;
  return line;
}
