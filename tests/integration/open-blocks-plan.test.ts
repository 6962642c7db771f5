import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { OPEN_BLOCKS_SHOWN, otherOpenBlocksSql } from '@/lib/blocks/queries';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';

// The block page's list of the account's other open blocks (lib/blocks/queries.ts
// otherOpenBlocksForUser) is one statement that a fraud wave makes long: it must read only the
// account's blocks, count calls only for the blocks it lists, and count the totals once, not per row.
// The counts read the account's open blocks through the index getBlockForUser's count uses (Block
// (accountId, status, placedAt), migration 0028). Since migration 0035 (the account page's block
// history) SQLite without statistics lists the page itself from the newest entry of the account's
// (accountId, placedAt, id) index, skipping those not open, rather than sorting every open block of
// the account: with 3 000 in force on one account 0.4 ms a page against 1.1 ms; with 10 000 lifted
// blocks and 4 open, 1.9 ms against 0.07 ms (it walks the lifted ones); with 100 lifted, the same
// (better-sqlite3, 2026-12-06, 2 cores).

describe.each(dialects())('the block page’s list of other open blocks on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('reads only through indexes on SQLite without statistics, calls per listed block, totals once', () => {
    if (dialect !== 'sqlite') return; // PostgreSQL plans from the statistics it gathers itself
    const conn = new Database(sqlitePath(url), { readonly: true });
    try {
      for (const after of [null, 'cursorblock']) {
        const statement = otherOpenBlocksSql('user', 'block', after, OPEN_BLOCKS_SHOWN);
        const plan = (
          conn.prepare(`EXPLAIN QUERY PLAN ${statement.sql}`).all(...statement.values) as { detail: string }[]
        ).map((p) => p.detail);
        const text = plan.join(' | ');
        // Each count: the account's open blocks by the (accountId, status, placedAt) index.
        const byAccount = plan.filter((d) =>
          /SEARCH r USING (COVERING )?INDEX Block_accountId_status_placedAt_idx \(accountId=\? AND status=\?\)/.test(
            d,
          ),
        );
        expect(byAccount, text).toHaveLength(after === null ? 1 : 2);
        // The listed page: the account's blocks newest first by the (accountId, placedAt, id) index, unsorted.
        expect(text).toMatch(/SEARCH o USING INDEX Block_accountId_placedAt_id_idx \(accountId=\?\)/);
        expect(text.slice(0, text.indexOf('SCAN p'))).not.toMatch(/TEMP B-TREE/);
        // Nothing walks a whole table.
        expect(
          plan.filter((d) => /^SCAN (?!p$)/.test(d)),
          text,
        ).toEqual([]);
        // The calls of the listed rows only (the limited page `p`), by the TriggerCall (blockId, at) index.
        expect(text).toMatch(
          /SCAN p \| CORRELATED SCALAR SUBQUERY \d+ \| SEARCH t USING COVERING INDEX TriggerCall_blockId_at_idx \(blockId=\?\)/,
        );
        // The totals are not correlated with the rows: counted once.
        expect(plan.filter((d) => /^SCALAR SUBQUERY/.test(d))).toHaveLength(after === null ? 1 : 2);
      }
    } finally {
      conn.close();
    }
  });
});
