import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { Mutex } from 'async-mutex';

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * One SQLite connection, used by one request at a time while a transaction is open.
 *
 * `@prisma/adapter-better-sqlite3` (7.10) holds a single better-sqlite3 connection. It serialises
 * interactive transactions with each other, but a plain query made by another request while a
 * transaction is open runs on the same connection, so it runs *inside* that transaction: it reads
 * uncommitted rows and is rolled back with it, after reporting success. This wrapper gives the
 * connection one mutex: a transaction holds it from BEGIN to COMMIT/ROLLBACK, and every query outside
 * a transaction waits for it, as with a connection pool of size one (what Prisma's own SQLite engine
 * does). Queries made through the transaction object do not take the mutex (they already own it).
 *
 * Consequence worth knowing: code inside `db.$transaction(async (tx) => …)` must use `tx`, never the
 * top-level `db`; a top-level query there waits until the transaction's timeout ends it (an error,
 * instead of the silent wrong answer it used to be).
 */
export function serializeSqliteAdapter(factory: PrismaBetterSqlite3): PrismaBetterSqlite3 {
  const mutex = new Mutex();
  const wrapAdapter = (inner: Adapter): Adapter =>
    new Proxy(inner, {
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
