import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { Mutex } from 'async-mutex';

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * One SQLite connection, used by one request at a time while a transaction is open; every
 * transaction takes the write lock when it begins (`BEGIN IMMEDIATE`).
 *
 * `@prisma/adapter-better-sqlite3` (7.10) holds a single better-sqlite3 connection. It serialises
 * interactive transactions with each other, but a plain query made by another request while a
 * transaction is open runs on the same connection, so it runs *inside* that transaction: it reads
 * uncommitted rows and is rolled back with it, after reporting success. This wrapper gives the
 * connection one mutex: a transaction holds it from BEGIN to COMMIT/ROLLBACK, and every query outside
 * a transaction waits for it, as with a connection pool of size one (what Prisma's own SQLite engine
 * does). Queries made through the transaction object do not take the mutex (they already own it).
 *
 * Why IMMEDIATE: the adapter opens transactions with a plain (deferred) `BEGIN`. In WAL mode a
 * deferred transaction that reads first and writes later cannot wait for another process's writer:
 * SQLite answers SQLITE_BUSY at once instead of calling the busy handler, because waiting could
 * not make its read snapshot current (https://www.sqlite.org/lang_transaction.html, "Read
 * transactions", and the busy handler's documentation). Other processes share the file (a CLI command, a second
 * portal process, the test factories), so every read-then-write transaction could fail under load.
 * `BEGIN IMMEDIATE` waits for the write lock up to the busy timeout, then keeps it to COMMIT.
 *
 * Consequence worth knowing: code inside `db.$transaction(async (tx) => …)` must use `tx`, never the
 * top-level `db`; a top-level query there waits until the transaction's timeout ends it (an error,
 * instead of the silent wrong answer it used to be).
 */
export function serializeSqliteAdapter(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const mutex = new Mutex();
  const wrapAdapter = (inner: Adapter): Adapter => {
    beginImmediate(inner);
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'queryRaw' || prop === 'executeRaw' || prop === 'executeScript') {
          const fn = Reflect.get(target, prop, receiver) as (arg: unknown) => Promise<unknown>;
          return (arg: unknown) => mutex.runExclusive(() => fn.call(target, arg));
        }
        if (prop === 'startTransaction') {
          return async (isolationLevel?: Parameters<Adapter['startTransaction']>[0]) => {
            const release = await mutex.acquire();
            try {
              return wrapTransaction(await target.startTransaction(isolationLevel), release);
            } catch (e) {
              release();
              throw e;
            }
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === 'connect') return async () => wrapAdapter(await target.connect());
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function wrapTransaction(tx: Transaction, release: () => void): Transaction {
  let released = false;
  const once = () => {
    if (!released) {
      released = true;
      release();
    }
  };
  return new Proxy(tx, {
    get(target, prop, receiver) {
      if (prop === 'commit' || prop === 'rollback') {
        return async () => {
          try {
            await (prop === 'commit' ? target.commit() : target.rollback());
          } finally {
            once();
          }
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

type Statement = { run: () => unknown };
type Connection = { prepare: (sql: string) => Statement };

/**
 * The adapter (7.10, `startTransaction`) runs `client.prepare("BEGIN").run()` on its better-sqlite3
 * connection; this makes that one statement `BEGIN IMMEDIATE`. Throws at start-up if the adapter no
 * longer exposes its connection, so an adapter upgrade cannot silently bring deferred BEGINs back.
 */
function beginImmediate(adapter: Adapter): void {
  const client = (adapter as unknown as { client?: Connection }).client;
  if (!client || typeof client.prepare !== 'function')
    throw new Error('@prisma/adapter-better-sqlite3 no longer exposes .client: revisit beginImmediate()');
  const prepare = client.prepare.bind(client);
  client.prepare = (sql: string) => prepare(sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql);
}
