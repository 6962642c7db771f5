import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { blockHistoryForUser, blockHistorySql, HISTORY_SHOWN } from '@/lib/accounts/block-history';
import { Prisma } from '@/lib/generated/sqlite/client';
import { getDb } from '@/lib/server/db';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { introspectPostgres, introspectSqlite } from '@/tests/helpers/introspect';
import { makeAccount } from '@/tests/helpers/factory';

// The account page's block history (lib/accounts/block-history.ts) lists an account's blocks in any
// status, newest first, ten a page. A fraud wave places thousands on one account; the (accountId,
// status, placedAt) index of migration 0028 orders one status only, so each page read and sorted every
// block of the account. Migration 0035 indexes (accountId, placedAt, id): a page is a walk from the
// newest entry, and the counts read the index alone.

const BLOCKS = 3000;

describe.each(dialects())('the account page’s block history reads on %s', (dialect) => {
  let url: string;
  let member: string;
  let number: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
    const { account, users } = await makeAccount();
    member = users[0]!.id;
    number = account.number;
    // A fraud wave on one account (every status), and a few blocks of other accounts.
    const t0 = Date.parse('2026-11-01T00:00:00Z');
    const statuses = ['lifted', 'lifted', 'active', 'lift_pending'] as const;
    await getDb().block.createMany({
      data: Array.from({ length: BLOCKS }, (_, i) => ({
        accountId: account.id,
        reason: 'high_risk_destination' as const,
        status: statuses[i % 4]!,
        placedAt: new Date(t0 + i * 1000),
        placedBy: 'switch',
      })),
    });
    for (let i = 0; i < 5; i++) {
      const other = await makeAccount();
      await getDb().block.createMany({
        data: Array.from({ length: 20 }, (_, j) => ({
          accountId: other.account.id,
          reason: 'manual' as const,
          placedAt: new Date(t0 + j * 1000),
          placedBy: 'switch',
        })),
      });
    }
    if (dialect === 'postgresql') await getDb().$executeRawUnsafe('ANALYZE');
  });

  it('has the index of migration 0035: an account’s blocks by placedAt, then id', async () => {
    const shape = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    expect(shape.tables.Block!.indexes).toContain('accountId,placedAt,id');
  });

  it('reads the page from the newest entry of that index, with no sort of the account’s blocks', async () => {
    const { items } = await blockHistoryForUser(member, number);
    expect(items).toHaveLength(HISTORY_SHOWN);
    const cursor = items.at(-1)!.id;
    for (const after of [null, cursor]) {
      const statement = blockHistorySql(member, number, after, HISTORY_SHOWN);
      if (dialect === 'sqlite') {
        // Without statistics (Tollgate never runs ANALYZE), as a production database plans it.
        const conn = new Database(sqlitePath(url), { readonly: true });
        try {
          conn.exec('DROP TABLE IF EXISTS sqlite_stat1');
          const plan = (
            conn.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.values) as {
              detail: string;
            }[]
          ).map((p) => p.detail);
          const text = plan.join(' | ');
          // The page, and each count, walk the account's entries of the (accountId, placedAt, id) index.
          const byAccount = plan.filter((d) =>
            /^SEARCH [or] USING (COVERING )?INDEX Block_accountId_placedAt_id_idx \(accountId=\?\)$/.test(d),
          );
          expect(byAccount, text).toHaveLength(after === null ? 2 : 3);
          // Nothing walks a whole table, and the page's blocks are not sorted (the index gives their order).
          expect(
            plan.filter((d) => /^SCAN (?!p$)/.test(d)),
            text,
          ).toEqual([]);
          const page = text.slice(0, text.indexOf('SCAN p'));
          expect(page, text).not.toMatch(/TEMP B-TREE/);
          // Each listed block's lift entry, and its requests, by their indexes.
          expect(text).toMatch(/SEARCH e USING INDEX BlockEvent_blockId_at_idx \(blockId=\?\)/);
          expect(text).toMatch(/SEARCH u USING (COVERING )?INDEX UnblockRequest_blockId_idx \(blockId=\?\)/);
        } finally {
          conn.close();
        }
      } else {
        // With the statistics PostgreSQL gathered (ANALYZE above): its own choice, nothing forced.
        const plan = (await getDb().$queryRaw<{ 'QUERY PLAN': string }[]>(Prisma.sql`EXPLAIN ${statement}`))
          .map((r) => r['QUERY PLAN'])
          .join('\n');
        expect(plan).toMatch(
          /Index (Only )?Scan Backward using "Block_accountId_placedAt_id_idx" on "Block" o/,
        );
        expect(plan).not.toMatch(/Sort Key: o\."placedAt"/);
        expect(plan).not.toMatch(/Seq Scan on "Block"/);
      }
    }
  });
});
