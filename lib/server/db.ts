import 'server-only';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '@/lib/generated/sqlite/client';
import { PrismaClient as PgClient } from '@/lib/generated/postgresql/client';
import type { Prisma } from '@/lib/generated/sqlite/client';
import { createClient, openSqliteTransaction } from '@/lib/server/db/connect';
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

// Raw statements of a hot path inside an interactive transaction (issue 14 goal 5). On SQLite they
// run straight on the transaction's connection (lib/server/db/serialized-sqlite.ts `directSqlite`),
// without Prisma's query pipeline; on PostgreSQL through `tx.$queryRaw`. Either way they are part
// of `tx`'s transaction. SQLite's logged queries (TOLLGATE_DB_QUERY_LOG) leave these out.
const direct = new WeakMap<Tx, DirectSqlite | null>();

function directOf(tx: Tx): DirectSqlite | null {
  if (direct.has(tx)) return direct.get(tx)!;
  // A transaction's client has no $connect (Prisma's itxClientDenyList); the top-level client has.
  if (typeof (tx as { $connect?: unknown }).$connect === 'function')
    throw new Error('txQuery/txExecute need the client of an interactive transaction');
  if (isPostgres()) {
    direct.set(tx, null);
    return null;
  }
  // Never Prisma's pipeline by mistake: inside a transaction on SQLite one is always open.
  const open = openSqliteTransaction(getDb(), tx);
  if (!open) throw new Error('txQuery/txExecute: no SQLite transaction is open');
  direct.set(tx, open);
  return open;
}

/**
 * Runs `sql` (a `Prisma.sql` template) inside the interactive transaction `tx` and returns its rows
 * (columns by name; on SQLite stored integers as bigint and dates as the stored text). On SQLite `tx`
 * is tied to the transaction open when its callback started (lib/server/db/connect.ts): once that
 * has ended (commit, rollback, timeout) the statement throws instead of running outside it or inside
 * another request's. Throws for the top-level client (decision 007).
 */
export async function txQuery<T>(tx: Tx, sql: Prisma.Sql): Promise<T[]> {
  const d = directOf(tx);
  return d ? (d.query(sql.sql, sql.values) as T[]) : tx.$queryRaw<T[]>(sql);
}

/** As `txQuery`, for a statement without rows: returns the number of rows changed. */
export async function txExecute(tx: Tx, sql: Prisma.Sql): Promise<number> {
  const d = directOf(tx);
  return d ? d.execute(sql.sql, sql.values) : tx.$executeRaw(sql);
}
