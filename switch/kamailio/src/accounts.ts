import type { Db } from './db';
import { nowIso } from './db';
import { liveAllowances, type AllowanceView } from './allowances';

export type IntlState = 'allowed' | 'blocked';

/** CONTRACTS §3 account body. */
export interface AccountView {
  accountNumber: string;
  internationalCalling: IntlState;
  blockedAt: string | null;
  reason: string | null;
  /** Unexpired destination allowances (issue 16), `[]` when none. */
  allowances: AllowanceView[];
}

interface AccountRow {
  number: string;
  intl_state: IntlState;
  blocked_at: string | null;
  reason: string | null;
}

export function getAccount(db: Db, number: string): AccountView | null {
  const row = db
    .prepare('SELECT number, intl_state, blocked_at, reason FROM accounts WHERE number = ?')
    .get(number) as AccountRow | undefined;
  if (!row) return null;
  const blocked = row.intl_state === 'blocked';
  return {
    accountNumber: row.number,
    internationalCalling: row.intl_state,
    blockedAt: blocked ? row.blocked_at : null,
    reason: blocked ? row.reason : null,
    allowances: liveAllowances(db, row.number),
  };
}

export interface SetStateOptions {
  state: IntlState;
  reason: string;
  actor: string;
  /** 'api' (Tollgate asked: no event back), 'cli' (the provider's staff: Tollgate gets an event). */
  source: 'api' | 'cli';
  idempotencyKey?: string;
  /**
   * Seconds during which a lifted account's credentials rotated since the lifted block may dial
   * high-risk prefixes without being re-blocked (its other credentials may not).
   */
  graceSeconds: number;
  /** Queue block.placed / block.lifted for Tollgate (only for changes Tollgate did not ask for). */
  emitEvent?: boolean;
  /** block.placed reason when emitEvent is set (CONTRACTS §4 enum). */
  eventReason?: 'high_risk_destination' | 'hotspot_source_ip' | 'suspicious_pattern' | 'manual';
}

/**
 * Applies allowed/blocked; Kamailio reads the row on the next INVITE. Must run inside the caller's
 * transaction when it is part of an idempotent request. Returns null for an unknown account.
 *
 * - blocked: a block that is already in place keeps its time and reason (it is the same block);
 *   any grace window is closed.
 * - allowed: lifting a block opens the grace window for `graceSeconds` (docs/reference-switch.md
 *   "Lifts and the grace window"), in which the high-risk destination rule is waived only for a call
 *   through a credential whose password was changed after the lifted block was placed (the block's
 *   time, in unix ms, is kept in grace_block_ms); allowing an account already allowed changes nothing.
 */
export function setInternationalCalling(db: Db, number: string, o: SetStateOptions): AccountView | null {
  const cur = db.prepare('SELECT intl_state FROM accounts WHERE number = ?').get(number) as
    { intl_state: IntlState } | undefined;
  if (!cur) return null;
  const nowMs = Date.now();
  const now = nowIso(nowMs);
  if (o.state === 'blocked' && cur.intl_state === 'allowed') {
    db.prepare(
      `UPDATE accounts SET intl_state = 'blocked', blocked_at = ?, blocked_at_ms = ?, reason = ?, actor = ?,
              hr_grace_until = 0, grace_block_ms = NULL, updated_at = ?
       WHERE number = ?`,
    ).run(now, nowMs, o.reason, o.actor, now, number);
  } else if (o.state === 'blocked') {
    db.prepare('UPDATE accounts SET hr_grace_until = 0, updated_at = ? WHERE number = ?').run(now, number);
  } else if (cur.intl_state === 'blocked') {
    // The window waives the high-risk rule only for credentials whose password changed after the
    // lifted block was placed (grace_block_ms; kamailio.cfg route[OUTBOUND], schema.sql trigger).
    const graceUntil = Math.floor(nowMs / 1000) + Math.max(0, Math.floor(o.graceSeconds));
    db.prepare(
      `UPDATE accounts SET intl_state = 'allowed', blocked_at = NULL, blocked_at_ms = NULL, reason = NULL, actor = ?,
              hr_grace_until = ?, grace_block_ms = blocked_at_ms, updated_at = ?
       WHERE number = ?`,
    ).run(o.actor, graceUntil, now, number);
  }
  if (cur.intl_state !== o.state) {
    db.prepare(
      `INSERT INTO account_changes (account_number, at, from_state, to_state, reason, actor, source, idempotency_key)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(number, now, cur.intl_state, o.state, o.reason, o.actor, o.source, o.idempotencyKey ?? null);
    if (o.emitEvent) {
      const createdAt = Math.floor(nowMs / 1000);
      if (o.state === 'blocked') {
        db.prepare(
          `INSERT INTO outbox (type, account_number, created_at, reason) VALUES ('block.placed', ?, ?, ?)`,
        ).run(number, createdAt, o.eventReason ?? 'manual');
      } else {
        db.prepare(
          `INSERT INTO outbox (type, account_number, created_at, actor) VALUES ('block.lifted', ?, ?, ?)`,
        ).run(number, createdAt, o.actor);
      }
    }
  }
  return getAccount(db, number);
}
