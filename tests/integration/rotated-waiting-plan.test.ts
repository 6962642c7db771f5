import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { WAITING } from '@/lib/policy/rotated-waiting';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';

// The staff home's list of rotated blocks waiting for a person (lib/policy/rotated-waiting.ts) once an
// admin has set the lift policy. It walked every block in force: with a fraud wave's 10 000, the queue
// page took 48 ms p95 on SQLite and 90 ms on PostgreSQL (bench/staff.ts queueLiftPolicy). It now reads
// only the blocks of accounts with a password changed after the oldest block in force reached the
// portal, through the indexes of migration 0031 and Block(accountId, status, placedAt).

describe.each(dialects())('the rotated blocks waiting for a person on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('have the indexes of migration 0031: blocks by status and arrival, credentials by password change', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    expect(shape.tables.Block!.indexes).toContain('status,createdAt');
    expect(shape.tables.SipCredential!.indexes).toContain('passwordChangedAt');
  });

  it('are found on SQLite without statistics from the changed passwords, not by walking every block in force', () => {
    if (dialect !== 'sqlite') return; // PostgreSQL plans from the statistics it gathers itself
    const conn = new Database(sqlitePath(url), { readonly: true });
    try {
      expect(conn.prepare(`SELECT name FROM sqlite_master WHERE name LIKE 'sqlite_stat%'`).all()).toEqual([]);
      const plan = (
        conn.prepare(`EXPLAIN QUERY PLAN ${WAITING.sql} SELECT COUNT(*) FROM "waiting"`).all() as {
          detail: string;
        }[]
      ).map((p) => p.detail);
      const text = plan.join(' | ');
      // The accounts from the credentials changed since the oldest block in force arrived…
      expect(text).toMatch(
        /SEARCH s USING (COVERING )?INDEX SipCredential_passwordChangedAt_idx \(passwordChangedAt>\?\)/,
      );
      expect(text).toMatch(/SEARCH o USING COVERING INDEX Block_status_createdAt_idx \(status=\?\)/);
      // …then each one's blocks in force by account: no read of the blocks in force by status alone.
      expect(text).toMatch(
        /SEARCH b USING INDEX Block_accountId_status_placedAt_idx \(accountId=\? AND status=\?\)/,
      );
      expect(
        plan.filter((d) =>
          /SEARCH b USING INDEX Block_status_(placedAt|createdAt)_idx \(status=\?\)/.test(d),
        ),
      ).toEqual([]);
    } finally {
      conn.close();
    }
  });
});
