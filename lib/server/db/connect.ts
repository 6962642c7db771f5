import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import type { PrismaPg } from '@prisma/adapter-pg';
import type { PrismaClient as SqliteClient } from '@/lib/generated/sqlite/client';
import type { PrismaClient as PgClient } from '@/lib/generated/postgresql/client';
import { AsyncLocalStorage } from 'node:async_hooks';
import {
  capturePgTransactions,
  directPg,
  wrapPgTransactions,
  type DirectPg,
  type PgSlot,
} from '@/lib/server/db/direct-pg';
import { directSqlite, serializeSqliteAdapter, type DirectSqlite } from '@/lib/server/db/serialized-sqlite';
import { sqliteBusyTimeoutMs, sqlitePath } from '@/lib/server/db/url';
import { pgPoolOptions } from '@/lib/server/db/pg-limits';

type Ctors = {
  SqliteClient: typeof SqliteClient;
  PgClient: typeof PgClient;
  PrismaBetterSqlite3: typeof PrismaBetterSqlite3;
  PrismaPg: typeof PrismaPg;
};

/**
 * One application code path for both databases: the provider is baked into each generated client,
 * so we pick the client by the URL. The PostgreSQL client exposes the same model API; it is typed as
 * the SQLite one so callers stay provider-agnostic.
 */
export function createClient(url: string, c: Ctors): SqliteClient {
  if (/^postgres(ql)?:\/\//.test(url)) {
    // Each interactive transaction in a slot that knows its adapter transaction (lib/server/db/direct-pg.ts).
    // Every wait on the server is bounded (lib/server/db/pg-limits.ts): a PostgreSQL that stops
    // answering fails requests and worker ticks instead of holding them forever.
    const slots = new AsyncLocalStorage<PgSlot>();
    // (Cast: the adapter's copy of @types/pg is newer than the project's; both describe pg 8.23's Pool.)
    const options = pgPoolOptions(url) as unknown as ConstructorParameters<Ctors['PrismaPg']>[0];
    const adapter = capturePgTransactions(new c.PrismaPg(options), slots);
    const client = new c.PgClient({ adapter, log: queryLog() });
    wrapPgTransactions(client, slots);
    Object.defineProperty(client, DIRECT_PG, { value: (tx: object) => directPg(slots, tx) });
    return client as unknown as SqliteClient;
  }
  if (url.startsWith('file:')) {
    // One connection: a request's query never runs inside another request's open transaction.
    // Another process's write lock (the CLI, a script) is waited for up to SQLITE_BUSY_TIMEOUT_MS,
    // on timers: the process keeps serving meanwhile. WAL is set by the migrator.
    const busyTimeoutMs = sqliteBusyTimeoutMs();
    const adapter = serializeSqliteAdapter(new c.PrismaBetterSqlite3({ url: sqlitePath(url) }), {
      busyTimeoutMs,
    });
    // Prisma gives up on starting a transaction after `maxWait` (default 2 s), which now runs while
    // BEGIN IMMEDIATE waits for the write lock: its 2 s for the queue behind this process's own
    // transactions, plus the whole wait for another process's lock.
    const client = new c.SqliteClient({
      adapter,
      log: queryLog(),
      transactionOptions: { maxWait: DEFAULT_MAX_WAIT_MS + busyTimeoutMs },
    });
    // Each interactive transaction's `tx` is tied to the SQLite transaction open when its callback
    // starts: the mutex of serializeSqliteAdapter lets only one be open, and Prisma calls the
    // callback right after BEGIN. Tied there, not at `tx`'s first raw statement: a callback that
    // awaits something else first could outlive its transaction (a timeout) and find another
    // request's open by then (decision 007).
    const bound = new WeakMap<object, DirectSqlite | null>();
    const begin = client.$transaction.bind(client) as (arg: unknown, options?: unknown) => Promise<unknown>;
    Object.defineProperty(client, '$transaction', {
      value: (arg: unknown, options?: unknown) =>
        typeof arg === 'function'
          ? begin((tx: object) => {
              bound.set(tx, directSqlite(adapter));
              return (arg as (tx: object) => unknown)(tx);
            }, options)
          : begin(arg, options),
    });
    // On the client itself, not in a module's map: Next bundles this module once per route bundle,
    // and the client is shared between them (lib/server/db.ts keeps it on globalThis).
    Object.defineProperty(client, OPEN_TRANSACTION, {
      value: (tx: object) => {
        if (!bound.has(tx)) throw new Error('not the client of an interactive transaction of this client');
        return bound.get(tx)!;
      },
    });
    return client;
  }
  throw new Error('DATABASE_URL is not set or not file:/postgresql:// (see README, Configuration)');
}

const OPEN_TRANSACTION = Symbol.for('tollgate.openSqliteTransaction');

/**
 * The SQLite transaction that `tx` (the client an interactive `client.$transaction(async (tx) => …)`
 * hands its callback) belongs to, to run raw statements on directly (lib/server/db/serialized-sqlite.ts
 * `directSqlite`): the one open when the callback started; its statements throw once it has ended.
 * Null when none was open. Throws for a client that `createClient` did not make for SQLite, and for a
 * `tx` that is not one of its transactions' clients.
 */
export function openSqliteTransaction(client: object, tx: object): DirectSqlite | null {
  const open = (client as { [OPEN_TRANSACTION]?: (tx: object) => DirectSqlite | null })[OPEN_TRANSACTION];
  if (!open) throw new Error('not a SQLite client made by createClient');
  return open(tx);
}

const DIRECT_PG = Symbol.for('tollgate.directPg');

/**
 * The direct statements of the PostgreSQL interactive transaction whose client is `tx`
 * (lib/server/db/direct-pg.ts `directPg`), or null when `tx` is not the transaction of this async
 * context. Throws for a client that `createClient` did not make for PostgreSQL.
 */
export function pgTransactionOf(client: object, tx: object): DirectPg | null {
  const of = (client as { [DIRECT_PG]?: (tx: object) => DirectPg | null })[DIRECT_PG];
  if (!of) throw new Error('not a PostgreSQL client made by createClient');
  return of(tx);
}

/**
 * TOLLGATE_DB_QUERY_LOG=1: Prisma prints every query (`prisma:query …`) to stdout; bench/pages.ts
 * counts them per page. Off by default; the SQL holds no parameter values.
 */
function queryLog(): Array<{ emit: 'stdout'; level: 'query' }> {
  return process.env.TOLLGATE_DB_QUERY_LOG === '1' ? [{ emit: 'stdout', level: 'query' }] : [];
}

// Prisma's default `maxWait` for starting an interactive transaction.
const DEFAULT_MAX_WAIT_MS = 2000;
