import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { SUMMARY_COLUMNS, SUMMARY_JOINS } from '@/lib/accounts/queries';
import { Prisma } from '@/lib/generated/sqlite/client';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';

// The customer's dashboard asks, per account, whether support's block is on its way to the switch
// (SUMMARY_COLUMNS `blockOnItsWay`). Through the (status, nextAttemptAt) index that question walked
// every pending change of every account, once per credential row, and pending changes pile up exactly
// when the switch is slow or has asked for quiet (re-review, 2026-12-06: 0.29 ms a probe with 5 000
// pending lifts). Migration 0033 indexes an account's changes.

describe.each(dialects())("the dashboard's switch-change question on %s", (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('has the index of migration 0033: switch changes by account and status', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    expect(shape.tables.SwitchOperation!.indexes).toContain('accountNumber,status');
  });

  it('is one probe of that index on SQLite without statistics, not a walk of every pending change', () => {
    if (dialect !== 'sqlite') return; // PostgreSQL plans from the statistics it gathers itself
    const conn = new Database(sqlitePath(url), { readonly: true });
    try {
      const statement = Prisma.sql`SELECT ${SUMMARY_COLUMNS} FROM "CustomerAccount" a ${SUMMARY_JOINS}
        WHERE a."id" = ${'acc'}`;
      const plan = (
        conn.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.values) as { detail: string }[]
      ).map((p) => p.detail);
      const text = plan.join(' | ');
      expect(text).toMatch(
        /SEARCH s USING (COVERING )?INDEX SwitchOperation_accountNumber_status_idx \(accountNumber=\? AND status=\?\)/,
      );
      expect(plan.filter((d) => /SwitchOperation_status_nextAttemptAt_idx/.test(d))).toEqual([]);
    } finally {
      conn.close();
    }
  });
});
