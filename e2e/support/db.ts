import crypto from 'node:crypto';
import Database from 'better-sqlite3';
import { E2E } from './env';

/**
 * Read-only look into the SQLite database at `databaseUrl` (`file:…`), for assertions only: the rows
 * `sql` selects. Every portal an e2e spec starts (the suite's, a second one, Kamailio's) reads through it.
 */
export function queryAt<T>(databaseUrl: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(databaseUrl.replace(/^file:/, ''), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Read-only look into the portal's database, for assertions only (tests change data through the UI). */
export function query<T>(sql: string, ...params: unknown[]): T[] {
  return queryAt<T>(E2E.databaseUrl, sql, ...params);
}

export const blockIdOf = (accountNumber: string) =>
  query<{ id: string }>(
    `SELECT b.id FROM "Block" b JOIN "CustomerAccount" a ON a.id = b."accountId" WHERE a.number = ? ORDER BY b."placedAt" DESC LIMIT 1`,
    accountNumber,
  )[0].id;

export const credentialIdOf = (username: string) =>
  query<{ id: string }>(`SELECT id FROM "SipCredential" WHERE username = ?`, username)[0].id;

/** The id of the newest unblock request on block `blockId`; throws when there is none. */
export const requestIdOnBlock = (blockId: string) => {
  const [row] = query<{ id: string }>(
    `SELECT id FROM "UnblockRequest" WHERE "blockId" = ? ORDER BY "createdAt" DESC LIMIT 1`,
    blockId,
  );
  if (!row) throw new Error(`No unblock request on block ${blockId}`);
  return row.id;
};

/**
 * A real database failure for one journey's own rows: a SQLite trigger that aborts every insert into
 * `table` whose `column` equals `value` (`RAISE(ABORT)`, as a constraint of the database would), so
 * an action writing such a row fails inside its transaction, the way a write cut by a timeout does,
 * and nothing of it is kept. Scoped to the value (the test's own block, say), so journeys running
 * beside it are untouched. Returns the function that drops the trigger again.
 */
export function refuseInserts(table: string, column: string, value: string): () => void {
  const name = `e2e_refuse_${crypto.randomUUID().replaceAll('-', '')}`;
  const quoted = value.replaceAll("'", "''");
  const run = (sql: string) => {
    const db = new Database(E2E.databaseUrl.replace(/^file:/, ''), { fileMustExist: true });
    try {
      db.exec(sql);
    } finally {
      db.close();
    }
  };
  run(
    `CREATE TRIGGER "${name}" BEFORE INSERT ON "${table}" WHEN NEW."${column}" = '${quoted}' ` +
      `BEGIN SELECT RAISE(ABORT, 'e2e: this database refuses the row'); END`,
  );
  return () => run(`DROP TRIGGER IF EXISTS "${name}"`);
}
