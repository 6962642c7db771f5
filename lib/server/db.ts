import 'server-only';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '@/lib/generated/sqlite/client';
import { PrismaClient as PgClient } from '@/lib/generated/postgresql/client';
import type { Prisma } from '@/lib/generated/sqlite/client';
import { createClient, openSqliteTransaction, pgTransactionOf } from '@/lib/server/db/connect';
import type { DirectPg } from '@/lib/server/db/direct-pg';
import type { DirectSqlite } from '@/lib/server/db/serialized-sqlite';

export type Db = SqliteClient;
export type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

const globalForDb = globalThis as unknown as { tollgateDb?: Db };

/** Constructed lazily: importing this module must not need DATABASE_URL (next build collects pages). */
export function getDb(): Db {
  globalForDb.tollgateDb ??= createClient(process.env.DATABASE_URL ?? '', {
    SqliteClient,
    PgClient,
    PrismaBetterSqlite3,
    PrismaPg,
  });
  return globalForDb.tollgateDb;
}

export const db: Db = new Proxy({} as Db, {
  get: (_t, prop) => {
    const client = getDb();
    const value = Reflect.get(client, prop);
    return typeof value === 'function' ? value.bind(client) : value;
  },
});

export const isPostgres = () => (process.env.DATABASE_URL ?? '').startsWith('postgres');

// Raw statements of a hot path inside an interactive transaction (issue 14 goal 5, decision 007).
// On SQLite they run straight on the transaction's connection (lib/server/db/serialized-sqlite.ts
// `directSqlite`); on PostgreSQL on the pg adapter's transaction of `tx` (lib/server/db/direct-pg.ts),
// found through the async context of its `$transaction`. Either way without Prisma's query pipeline,
// and part of `tx`'s transaction. The query log (TOLLGATE_DB_QUERY_LOG) leaves these out.
type Direct = { kind: 'sqlite'; d: DirectSqlite } | { kind: 'pg'; d: DirectPg } | { kind: 'prisma' };
const direct = new WeakMap<Tx, Direct>();

function directOf(tx: Tx): Direct {
  const known = direct.get(tx);
  if (known) return known;
  // A transaction's client has no $connect (Prisma's itxClientDenyList); the top-level client has.
  if (typeof (tx as { $connect?: unknown }).$connect === 'function')
    throw new Error('txQuery/txExecute need the client of an interactive transaction');
  let found: Direct;
  if (isPostgres()) {
    // Null only for a tx whose `$transaction` is not this async context's (not the event path's
    // case): Prisma's `$queryRaw` then. A captured transaction that has ended throws there.
    const d = pgTransactionOf(getDb(), tx);
    found = d ? { kind: 'pg', d } : { kind: 'prisma' };
  } else {
    // Never Prisma's pipeline by mistake: inside a transaction on SQLite one is always open.
    const open = openSqliteTransaction(getDb(), tx);
    if (!open) throw new Error('txQuery/txExecute: no SQLite transaction is open');
    found = { kind: 'sqlite', d: open };
  }
  direct.set(tx, found);
  return found;
}

/**
 * Runs `sql` (a `Prisma.sql` template) inside the interactive transaction `tx` and returns its rows
 * (columns by name; on SQLite stored integers as bigint and dates as the stored text; on PostgreSQL
 * as the pg adapter gives them to Prisma: timestamps as ISO-8601 text with `+00:00`, int8 as text).
 * `tx` is tied to its own transaction when its callback starts (lib/server/db/connect.ts, direct-pg.ts):
 * once that has ended (commit, rollback, timeout) the statement throws instead of running outside it
 * or inside another request's. Throws for the top-level client (decision 007).
 */
export async function txQuery<T>(tx: Tx, sql: Prisma.Sql): Promise<T[]> {
  const d = directOf(tx);
  if (d.kind === 'sqlite') return d.d.query(sql.sql, sql.values) as T[];
  if (d.kind === 'pg') return (await d.d.query(sql.text, sql.values)) as T[];
  return tx.$queryRaw<T[]>(sql);
}

/** As `txQuery`, for a statement without rows: returns the number of rows changed. */
export async function txExecute(tx: Tx, sql: Prisma.Sql): Promise<number> {
  const d = directOf(tx);
  if (d.kind === 'sqlite') return d.d.execute(sql.sql, sql.values);
  if (d.kind === 'pg') return d.d.execute(sql.text, sql.values);
  return tx.$executeRaw(sql);
}
