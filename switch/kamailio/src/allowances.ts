import type { Db } from './db';
import { nowIso } from './db';

// Destination allowances on the reference switch (issue 16, CONTRACTS §3 "destination allowances").
// Kamailio reads `destination_allowances` in its per-INVITE policy query (kamailio.cfg
// route[OUTBOUND]); the companion writes it through the switch API.

/** One allowance as the API shows it: `until` is ISO 8601 UTC with milliseconds (`…T13:14:03.000Z`). */
export interface AllowanceView {
  country: string;
  until: string;
}

/**
 * The account's allowances whose `until` lies after `nowMs` (unix ms), by country. Expired rows are
 * deleted on the way: Kamailio already ignores them (it compares with the clock), so this only keeps
 * the table small and the answer honest.
 */
export function liveAllowances(db: Db, accountNumber: string, nowMs: number = Date.now()): AllowanceView[] {
  db.prepare('DELETE FROM destination_allowances WHERE account_number = ? AND until_ms <= ?').run(
    accountNumber,
    nowMs,
  );
  const rows = db
    .prepare(
      'SELECT country, until_ms FROM destination_allowances WHERE account_number = ? AND until_ms > ? ORDER BY country',
    )
    .all(accountNumber, nowMs) as { country: string; until_ms: number }[];
  return rows.map((r) => ({ country: r.country, until: new Date(r.until_ms).toISOString() }));
}

/**
 * Adds or extends allowances: a country already allowed gets the new `until` (unix ms), reason and
 * actor. Must run inside the caller's transaction (the idempotent request). Returns every live
 * allowance of the account after the change.
 */
export function putAllowances(
  db: Db,
  accountNumber: string,
  a: { countries: string[]; untilMs: number; reason: string; actor: string },
): AllowanceView[] {
  const upsert = db.prepare(
    `INSERT INTO destination_allowances (account_number, country, until_ms, reason, actor, updated_at) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (account_number, country) DO UPDATE SET until_ms = excluded.until_ms, reason = excluded.reason,
       actor = excluded.actor, updated_at = excluded.updated_at`,
  );
  const now = nowIso();
  for (const c of a.countries) upsert.run(accountNumber, c, a.untilMs, a.reason, a.actor, now);
  return liveAllowances(db, accountNumber);
}

/** Ends one allowance now. True when there was one (DELETE answers 204 either way). */
export function deleteAllowance(db: Db, accountNumber: string, country: string): boolean {
  return (
    db
      .prepare('DELETE FROM destination_allowances WHERE account_number = ? AND country = ?')
      .run(accountNumber, country).changes > 0
  );
}

/** Deletes every expired allowance of every account (the companion's periodic sweep). Returns how many. */
export function purgeExpiredAllowances(db: Db, nowMs: number = Date.now()): number {
  return db.prepare('DELETE FROM destination_allowances WHERE until_ms <= ?').run(nowMs).changes;
}
