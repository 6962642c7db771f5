import 'server-only';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient as SqliteClient } from '@/lib/generated/sqlite/client';
import { PrismaClient as PgClient } from '@/lib/generated/postgresql/client';
import { createClient } from '@/lib/server/db/connect';

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
