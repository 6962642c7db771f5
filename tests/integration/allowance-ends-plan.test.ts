import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// What the switch outbox says of an allowance's end (lib/allowances/queries.ts endsOnSwitch) is read
// on every poll of a block page whose account has allowances (/api/version/blocks/{id}) and on the
// staff allowance views. It read every `allowance_delete` of every account kept for RETENTION_DAYS,
// matched by its payload's text (review of 2401bed, 2026-12-07). It now reads the account's own rows
// through SwitchOperation(accountNumber, status) (migration 0033).

/** endsOnSwitch's statement as Prisma writes it for SQLite (findMany: where, select, orderBy). */
const ENDS_ON_SWITCH = `SELECT "payload", "status", "createdAt", "completedAt", "lastError" FROM "SwitchOperation"
  WHERE ("accountNumber" = ? AND "status" IN (?, ?, ?) AND "kind" = ? AND "createdAt" >= ?)
  ORDER BY "createdAt" ASC`;

describe.each(dialects())('the allowance end read on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('is a range of the account’s own changes on SQLite without statistics, never a walk of the outbox', () => {
    if (dialect !== 'sqlite') return; // PostgreSQL plans from the statistics it gathers itself
    const conn = new Database(sqlitePath(url), { readonly: true });
    try {
      expect(conn.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'`).all()).toEqual([]);
      const plan = (
        conn
          .prepare(`EXPLAIN QUERY PLAN ${ENDS_ON_SWITCH}`)
          .all('ACC-1', 'pending', 'failed', 'done', 'allowance_delete', new Date(0).toISOString()) as {
          detail: string;
        }[]
      ).map((p) => p.detail);
      const text = plan.join(' | ');
      expect(text).toMatch(
        /SEARCH SwitchOperation USING INDEX SwitchOperation_accountNumber_status_idx \(accountNumber=\? AND status=\?\)/,
      );
      // Not the outbox's claim index, nor the whole table.
      expect(text).not.toMatch(/SwitchOperation_status_nextAttemptAt_idx|SCAN SwitchOperation\b/);
    } finally {
      conn.close();
    }
  });
});
