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
  const opened: OpenState = { current: null };
  const wrapAdapter = (inner: Adapter): Adapter => {
    const connection = tuneConnection(inner);
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
              const tx = await target.startTransaction(isolationLevel);
              const open: OpenTransaction = { connection, open: true };
              opened.current = open;
              return wrapTransaction(tx, () => {
                open.open = false;
                if (opened.current === open) opened.current = null;
                release();
              });
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
  const proxy = new Proxy(factory, {
    get(target, prop, receiver) {
      if (prop === 'connect') return async () => wrapAdapter(await target.connect());
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  openStates.set(proxy, opened);
  return proxy;
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

type Statement = {
  run: (...values: unknown[]) => { changes: number };
  all: (...values: unknown[]) => unknown[];
  reader: boolean;
  columns: () => { name: string; type: string | null }[];
  raw: (on?: boolean) => Statement;
};
type Connection = { prepare: (sql: string) => Statement; inTransaction: boolean };

/**
 * What the adapter (7.10, `performIO`, `executeIO`, `startTransaction`) does with what
 * `client.prepare(sql)` returns: `.bind(args)` then `.reader`, `.columns()`, `.raw().all()`, `.run()`;
 * or `.run()` straight away (BEGIN).
 */
type AdapterStatement = {
  bind: (
    args: unknown[],
  ) => Pick<Statement, 'reader' | 'columns' | 'run'> & { raw: () => { all: () => unknown[] } };
  run: () => { changes: number };
};

/**
 * Tunes the adapter's better-sqlite3 connection, at start-up:
 * - Its transactions begin `BEGIN IMMEDIATE`: the adapter (7.10, `startTransaction`) runs
 *   `client.prepare("BEGIN").run()`, and this makes that one statement `BEGIN IMMEDIATE`.
 * - Each SQL text is prepared once (`prepared`), not on every query: the adapter calls
 *   `client.prepare(sql).bind(args)` per query, and a better-sqlite3 statement can be bound only once,
 *   so the adapter gets a fresh binding of the cached statement instead (values passed on each run).
 *   Measured (issue 14, eighteenth session): the block page's 7 statements cost 0.79–1.32 ms prepared
 *   each time, 0.41–0.83 ms prepared once (a throwaway better-sqlite3 loop on the bench's database).
 *   Safe because better-sqlite3 runs a statement to its end synchronously: no two queries share one
 *   at the same time.
 * - Temporary b-trees (an `ORDER BY` or `DISTINCT` no index gives, a subquery's sort) are kept in
 *   memory (`PRAGMA temp_store = MEMORY`, https://www.sqlite.org/pragma.html#pragma_temp_store). With
 *   SQLite's default (`FILE`, spilled to a file only when large) each such sort still sets up a
 *   temporary database of its own: the block page's block read (its "other open block" subquery
 *   sorts) took 330–700 µs with 3 blocks in the database, 45 µs in memory (a better-sqlite3 loop on
 *   the bench's database; strace of 100 runs: 226 `brk` calls, 23 in memory). The portal's sorts are
 *   small (keyset pages, a block's few rows), so memory is the right place for them.
 * Throws at start-up if the adapter no longer exposes its connection, so an adapter upgrade cannot
 * silently bring deferred BEGINs back.
 */
function tuneConnection(adapter: Adapter): Connection {
  const client = (adapter as unknown as { client?: Connection }).client;
  if (!client || typeof client.prepare !== 'function')
    throw new Error('@prisma/adapter-better-sqlite3 no longer exposes .client: revisit tuneConnection()');
  const connection: Connection = {
    prepare: client.prepare.bind(client),
    get inTransaction() {
      return client.inTransaction;
    },
  };
  connection.prepare('PRAGMA temp_store = MEMORY').run();
  (client as unknown as { prepare: (sql: string) => AdapterStatement }).prepare = (sql) => {
    const stmt = prepared(connection, sql === 'BEGIN' ? 'BEGIN IMMEDIATE' : sql, adapterStatements);
    return {
      bind: (args) => ({
        reader: stmt.reader,
        columns: () => columnsOf(stmt),
        // An array argument binds its items as the anonymous parameters, as `bind(args)` does.
        run: () => stmt.run(args),
        raw: () => ({ all: () => stmt.raw(true).all(args) }),
      }),
      run: () => stmt.run(),
    };
  };
  return connection;
}

// A statement's result columns, read once: every column of every statement the portal runs is named
// in its SQL (Prisma names them; no `SELECT *`), so a schema change cannot change them. Measured
// beside the prepare: 7 block-page statements, 0.41 ms with `columns()` read each time, 0.21–0.36 ms
// read once (a throwaway better-sqlite3 loop on the bench's database).
const columnLists = new WeakMap<Statement, ReturnType<Statement['columns']>>();
function columnsOf(stmt: Statement): ReturnType<Statement['columns']> {
  let columns = columnLists.get(stmt);
  if (!columns) columnLists.set(stmt, (columns = stmt.columns()));
  return columns;
}

// ------------------------------------------------------------------ statements run on the connection

type OpenTransaction = { connection: Connection; open: boolean };
type OpenState = { current: OpenTransaction | null };
const openStates = new WeakMap<object, OpenState>();

/**
 * A raw statement run straight on the better-sqlite3 connection of an open transaction
 * (`directSqlite`): SQL with `?` placeholders and its values, bound as the adapter binds them.
 */
export interface DirectSqlite {
  /** Rows as objects (column name → value); stored integers come back as bigint (the adapter's `defaultSafeIntegers`), bound numbers as numbers. */
  query(sql: string, values: readonly unknown[]): Record<string, unknown>[];
  /** The number of rows changed. */
  execute(sql: string, values: readonly unknown[]): number;
}

/**
 * The SQLite transaction open right now on the connection of `adapter` (the factory
 * `serializeSqliteAdapter` returned), to run statements on without Prisma's query pipeline: for a
 * hot path whose statements are all raw SQL (measured, issue 14 goal 5: a `$queryRaw` inside a
 * transaction cost about 150 µs of Prisma's client against about 10 µs for the same statement
 * run here, prepared once). The statements run inside that transaction (one connection, held by
 * this wrapper's mutex from BEGIN to COMMIT), are committed or rolled back with it, and throw once
 * it has ended (a transaction's timeout, say) instead of running outside it.
 *
 * Call it first thing inside `db.$transaction(async (tx) => …)`, before anything awaits: the
 * mutex makes the open transaction that one. Returns null when no transaction is open.
 */
export function directSqlite(adapter: object): DirectSqlite | null {
  const open = openStates.get(adapter)?.current;
  if (!open || !open.connection.inTransaction) return null;
  const statement = (sql: string) => {
    if (!open.open || !open.connection.inTransaction)
      throw new Error('the SQLite transaction has ended: statement not run');
    return prepared(open.connection, sql, directStatements);
  };
  return {
    query: (sql, values) => {
      const stmt = statement(sql);
      const bound = values.map(bindValue);
      if (stmt.reader) return stmt.all(...bound) as Record<string, unknown>[];
      stmt.run(...bound);
      return [];
    },
    execute: (sql, values) => statement(sql).run(...values.map(bindValue)).changes,
  };
}

// Prepared statements by SQL text, per connection (better-sqlite3 prepares a statement once and
// runs it with new values each time). Bounded: a few hundred texts at most (multi-row INSERTs and
// `IN` lists differ by their count); past that the cache starts again. Two caches: the adapter's
// statements return raw rows (`raw(true)` stays set), `directSqlite`'s return objects.
const STATEMENTS_MAX = 256;
type StatementCache = WeakMap<Connection, Map<string, Statement>>;
const directStatements: StatementCache = new WeakMap();
const adapterStatements: StatementCache = new WeakMap();

function prepared(connection: Connection, sql: string, statements: StatementCache): Statement {
  let cache = statements.get(connection);
  if (!cache) statements.set(connection, (cache = new Map()));
  let stmt = cache.get(sql);
  if (!stmt) {
    if (cache.size >= STATEMENTS_MAX) cache.clear();
    stmt = connection.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

/** A value bound as `@prisma/adapter-better-sqlite3` (7.10, `mapArg`) binds it: dates as ISO-8601 text with `+00:00`, booleans as 1/0. */
function bindValue(v: unknown): unknown {
  if (v instanceof Date) return v.toISOString().replace('Z', '+00:00');
  if (typeof v === 'boolean') return v ? 1 : 0;
  return v === undefined ? null : v;
}
