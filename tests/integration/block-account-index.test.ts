import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';

// An account's blocks of one status, in placedAt order: the block page's other blocks in force
// (lib/blocks/queries.ts otherBlocksInForce), the dashboard's "calling stopped since" (MIN of the shown placed time,
// lib/accounts/queries.ts SUMMARY_COLUMNS) and the lifecycle's open blocks. SQLite keeps no statistics
// in a Tollgate database (nothing runs ANALYZE), and with only (accountId, status) and (status,
// placedAt) it chose the second for these, to save the sort, and walked every block in force of the
// provider to find the account's: 0.6 ms an account at a fraud wave's 10 000 blocks in force, on
// every dashboard and block page (measured with better-sqlite3 on the staff bench's database with its
// statistics dropped; the bench's own database has them, which is how its figures missed it).
// Migration 0028 replaces (accountId, status) with (accountId, status, placedAt).

describe.each(dialects())('an account’s blocks by status and time on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('are indexed by account, status and placedAt (migration 0028), which covers account and status', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    const indexes = shape.tables.Block!.indexes;
    expect(indexes).toContain('accountId,status,placedAt');
    expect(indexes).not.toContain('accountId,status');
    expect(indexes).toContain('status,placedAt'); // the console's and the workers' reads of all blocks
  });

  it('are read through that index on SQLite without statistics, not by walking every block in force', () => {
    if (dialect !== 'sqlite') return; // PostgreSQL plans from the statistics it gathers itself
    const conn = new Database(sqlitePath(url), { readonly: true });
    const plan = (sql: string, ...params: string[]) =>
      (conn.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((p) => p.detail)
        .join(' | ');
    try {
      expect(conn.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'`).all()).toEqual([]);
      const byAccount =
        /SEARCH (o|Block) USING (COVERING )?INDEX Block_accountId_status_placedAt_idx \(accountId=\? AND status=\?\)/;
      // otherBlocksInForce, as Prisma writes it.
      expect(
        plan(
          `SELECT "id" FROM "Block" WHERE "accountId" = ? AND "id" <> ? AND "status" = 'active' ORDER BY "placedAt" ASC`,
          'acc',
          'blk',
        ),
      ).toMatch(byAccount);
      // The dashboard's "since".
      expect(
        plan(
          `SELECT (SELECT MIN(CASE WHEN o."createdAt" < o."placedAt" THEN o."createdAt" ELSE o."placedAt" END) FROM "Block" o WHERE o."accountId" = ? AND o."status" IN ('active', 'lift_pending'))`,
          'acc',
        ),
      ).toMatch(byAccount);
      // The lifecycle's active blocks of an account, oldest first.
      expect(
        plan(
          `SELECT "id" FROM "Block" WHERE "accountId" = ? AND "status" = 'active' ORDER BY "placedAt" ASC`,
          'acc',
        ),
      ).toMatch(byAccount);
    } finally {
      conn.close();
    }
  });
});
