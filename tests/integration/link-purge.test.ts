import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { purgeExpiredSignInLinks } from '@/lib/auth/link-purge';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';

// Sign-in links nobody used (VerificationToken rows) open nothing once expired, and Auth.js deletes
// only the used ones: the sign-in-link-purge worker deletes the expired rest, a bounded batch a pass.

describe.each(dialects())('purging expired sign-in links on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('reads the expired rows through an index on expires, not the whole table (migration 0016)', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    expect(shape.tables.VerificationToken!.indexes).toContain('expires');
    if (dialect !== 'sqlite') return; // PostgreSQL's planner scans a table this small whatever the indexes
    const conn = new Database(sqlitePath(url), { readonly: true });
    try {
      const plan = conn
        .prepare(
          `EXPLAIN QUERY PLAN SELECT "token" FROM "VerificationToken" WHERE "expires" < ? ORDER BY "expires" ASC LIMIT 500`,
        )
        .all(new Date().toISOString()) as { detail: string }[];
      expect(plan.map((p) => p.detail)).toEqual([
        expect.stringMatching(/USING INDEX VerificationToken_expires_idx/),
      ]);
    } finally {
      conn.close();
    }
  });

  it('deletes expired links a bounded batch at a time, oldest first, and never a valid one', async () => {
    const db = getDb();
    const now = new Date();
    const at = (ms: number) => new Date(now.getTime() + ms);
    await db.verificationToken.createMany({
      data: Array.from({ length: 7 }, (_, i) => ({
        identifier: `gone-${i}@t.example`,
        token: `expired-${i}`,
        expires: at(-1000 - i * 60_000),
      })),
    });
    await db.verificationToken.createMany({
      data: [
        { identifier: 'live@t.example', token: 'live-1', expires: at(1000) },
        { identifier: 'mfa-unlock:live@t.example', token: 'live-2', expires: at(24 * 3600_000) },
        { identifier: 'edge@t.example', token: 'edge', expires: now },
      ],
    });
    // The oldest expiry first: the three that expired longest ago.
    expect(await purgeExpiredSignInLinks(now, 3)).toBe(3);
    const left = async () =>
      (await db.verificationToken.findMany({ orderBy: { token: 'asc' } })).map((r) => r.token);
    expect(await left()).toEqual([
      'edge',
      'expired-0',
      'expired-1',
      'expired-2',
      'expired-3',
      'live-1',
      'live-2',
    ]);
    expect(await purgeExpiredSignInLinks(now, 3)).toBe(3);
    expect(await purgeExpiredSignInLinks(now, 3)).toBe(1);
    expect(await purgeExpiredSignInLinks(now, 3)).toBe(0);
    // Only rows that expired before `now` go: one expiring exactly then waits for the next pass.
    expect(await left()).toEqual(['edge', 'live-1', 'live-2']);
    expect(await purgeExpiredSignInLinks(at(1))).toBe(1);
    expect(await left()).toEqual(['live-1', 'live-2']);
  });
});
