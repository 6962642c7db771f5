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
