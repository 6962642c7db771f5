import type { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { Mutex, type MutexInterface } from 'async-mutex';
import { setTimeout as sleep } from 'node:timers/promises';

type Adapter = Awaited<ReturnType<PrismaBetterSqlite3['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;

/**
 * How long one statement may wait for another process's write lock inside SQLite's own busy
 * handler, in ms. That wait is synchronous (better-sqlite3 runs SQLite on the event loop's thread):
 * the whole process stands still while it lasts. A cushion for the common brief contention (a CLI
 * command's or a second process's write takes a few ms); anything longer is waited on timers.
 */
export const SYNC_BUSY_MS = 20;
// The timers between later tries: 5, 10, 20, 40, then every 50 ms. A try costs microseconds (no
// synchronous wait then), so a lock given up is taken within 50 ms.
const RETRY_FIRST_MS = 5;
const RETRY_MAX_MS = 50;

/**
 * One SQLite connection, used by one request at a time while a transaction is open; every
 * transaction takes the write lock when it begins (`BEGIN IMMEDIATE`); a wait for another process's
 * write lock never stops the process.
 *
 * **One mutex.** `@prisma/adapter-better-sqlite3` (7.10) holds a single better-sqlite3 connection. It
 * serialises interactive transactions with each other, but a plain query made by another request
 * while a transaction is open runs on the same connection, so it runs *inside* that transaction: it
 * reads uncommitted rows and is rolled back with it, after reporting success. This wrapper gives the
 * connection one mutex: a transaction holds it from BEGIN to COMMIT/ROLLBACK, and every query outside
 * a transaction waits for it, as with a connection pool of size one (what Prisma's own SQLite engine
 * does). Queries made through the transaction object do not take the mutex (they already own it).
 *
 * **Why IMMEDIATE.** The adapter opens transactions with a plain (deferred) `BEGIN`. In WAL mode a
 * deferred transaction that reads first and writes later cannot wait for another process's writer:
 * SQLite answers SQLITE_BUSY at once instead of calling the busy handler, because waiting could
 * not make its read snapshot current (https://www.sqlite.org/lang_transaction.html, "Read
 * transactions", and the busy handler's documentation). Other processes share the file (a CLI
 * command, a second portal process, the test factories), so every read-then-write transaction could
 * fail under load. `BEGIN IMMEDIATE` takes the write lock first and keeps it to COMMIT: once it has
 * succeeded, no later statement of the transaction answers SQLITE_BUSY
 * (https://www.sqlite.org/rescode.html#busy).
 *
 * **Waiting for another process's write lock.** SQLite's busy handler (`busy_timeout`) sleeps inside
 * the statement, on the event loop's thread: with the old 10 s timeout a CLI command holding the lock
 * froze liveness, readiness and every page of the process for 10 s (docs/operations.md, "When the
 * database stops answering"). So the busy handler waits `SYNC_BUSY_MS` at most, and a statement that
 * still answers SQLITE_BUSY is tried again on timers, without the busy handler, until
 * `busyTimeoutMs` (SQLITE_BUSY_TIMEOUT_MS) have passed since it was asked for; then its last
 * SQLITE_BUSY error is thrown, as the busy handler's was. Only statements that SQLite guarantees did
 * nothing when they answered SQLITE_BUSY are tried again:
 * - `BEGIN IMMEDIATE`: it fails before it takes any lock and leaves the connection in autocommit
 *   mode (no transaction open: better-sqlite3's `inTransaction` is false after it), so nothing of a
 *   transaction has run yet.
 * - a statement outside a transaction (autocommit: one Prisma query that needs one statement, a
 *   read or a write). SQLite wraps it in an implicit transaction of its own, committed only when it
 *   finishes (lang_transaction.html, "Transactions"); one that fails ends that transaction rolled
 *   back, so none of it was written, and running it again is running it once. In WAL mode a read
 *   answers SQLITE_BUSY only in the rare cases of https://www.sqlite.org/wal.html ("Sometimes
 *   Queries Return SQLITE_BUSY In WAL Mode": recovery after a crash, the last connection closing);
 *   it has changed nothing either.
 * - never a statement inside an open transaction: there SQLite "may or may not" have rolled the
 *   whole transaction back (lang_transaction.html, "Response To Errors Within A Transaction"), and
 *   a statement tried again after a rollback would run on its own, outside the transaction, and be
 *   committed without the rest. Such statements go through the transaction object, which this
 *   wrapper does not retry (and after `BEGIN IMMEDIATE` they do not answer SQLITE_BUSY anyway).
 * - never `executeScript` (several statements: the first may have committed before a later one
 *   answered SQLITE_BUSY).
 *
 * **The connection is free while a statement waits.** Between tries the waiting statement gives the
 * mutex back: it has no transaction open (above), so a read of another request runs meanwhile
 * (WAL: readers do not wait for another process's writer) and does not wait for the other process
 * at all. Each try takes the mutex again, so a `BEGIN IMMEDIATE` that succeeds holds it from there
 * to COMMIT, as before: no statement outside the transaction ever runs inside it. Transactions, and
 * statements that met SQLITE_BUSY once, wait in one queue (`writers`): one of them tries at a time,
 * in the order they came, and the others wait on a promise, not on SQLite.
 *
 * Consequence worth knowing: code inside `db.$transaction(async (tx) => …)` must use `tx`, never the
 * top-level `db`; a top-level query there waits until the transaction's timeout ends it (an error,
 * instead of the silent wrong answer it used to be).
 *
 * @param factory the adapter factory (`new PrismaBetterSqlite3({ url })`; its `timeout` is replaced
 *   by `SYNC_BUSY_MS`, or `busyTimeoutMs` when that is shorter).
 * @param o.busyTimeoutMs how long in all a statement waits for another process's write lock, in ms
 *   (SQLITE_BUSY_TIMEOUT_MS). Prisma's `maxWait` for starting a transaction must allow for it
 *   (lib/server/db/connect.ts).
 */
export function serializeSqliteAdapter(
  factory: PrismaBetterSqlite3,
  o: { busyTimeoutMs: number },
): PrismaBetterSqlite3 {
  const mutex = new Mutex();
  const writers = new Mutex();
  const opened: OpenState = { current: null };
  const wrapAdapter = (inner: Adapter): Adapter => {
    const syncMs = Math.min(SYNC_BUSY_MS, o.busyTimeoutMs);
    const connection = tuneConnection(inner, syncMs);
    const w: Waiting = { mutex, writers, connection, syncMs, totalMs: o.busyTimeoutMs };
    return new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'queryRaw' || prop === 'executeRaw') {
          const fn = Reflect.get(target, prop, receiver) as (arg: unknown) => Promise<unknown>;
          return async (arg: unknown) => {
            const { value, release } = await whileBusy(w, () => fn.call(target, arg), false);
            release();
            return value;
          };
        }
        if (prop === 'executeScript') {
          const fn = Reflect.get(target, prop, receiver) as (arg: unknown) => Promise<unknown>;
          return (arg: unknown) => mutex.runExclusive(() => fn.call(target, arg));
        }
        if (prop === 'startTransaction') {
          return async (isolationLevel?: Parameters<Adapter['startTransaction']>[0]) => {
            // The write lock first, waited for here; the adapter's own BEGIN then finds it taken
            // (tuneConnection). Its errors are the adapter's (a DriverAdapterError), as before.
            const { release } = await whileBusy(w, () => target.executeRaw(BEGIN_IMMEDIATE), true);
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
              if (connection.inTransaction) connection.prepare('ROLLBACK').run();
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

const BEGIN_IMMEDIATE = { sql: 'BEGIN IMMEDIATE', args: [], argTypes: [] };

type Waiting = { mutex: Mutex; writers: Mutex; connection: Connection; syncMs: number; totalMs: number };

/**
 * Runs `statement` (one that did nothing when it answered SQLITE_BUSY: see serializeSqliteAdapter)
 * holding the connection's mutex, and returns its value with the mutex still held (`release` gives
 * it back). On SQLITE_BUSY outside a transaction it gives the mutex back, waits in the `writers`
 * queue and on a timer, and tries again without SQLite's synchronous busy wait, until `totalMs` have
 * passed since it was called; then throws that SQLITE_BUSY error. Any other error is thrown at once.
 * `queued`: wait in the queue from the start (a transaction), not only after a first SQLITE_BUSY.
 */
async function whileBusy<T>(
  w: Waiting,
  statement: () => Promise<T>,
  queued: boolean,
): Promise<{ value: T; release: MutexInterface.Releaser }> {
  const deadline = performance.now() + w.totalMs;
  let leaveQueue = queued ? await w.writers.acquire() : null;
  try {
    for (let delay = 0; ; delay = Math.min(Math.max(2 * delay, RETRY_FIRST_MS), RETRY_MAX_MS)) {
      const release = await w.mutex.acquire();
      try {
        return { value: await (delay ? withoutSyncWait(w, statement) : statement()), release };
      } catch (e) {
        release();
        if (!isBusy(e) || w.connection.inTransaction || performance.now() >= deadline) throw e;
      }
      leaveQueue ??= await w.writers.acquire();
      await sleep(Math.max(0, Math.min(delay || RETRY_FIRST_MS, deadline - performance.now())));
    }
  } finally {
    leaveQueue?.();
  }
}

/** `statement` with SQLite's busy handler off (a try on a timer); the connection's mutex is held. */
async function withoutSyncWait<T>(w: Waiting, statement: () => Promise<T>): Promise<T> {
  w.connection.pragma('busy_timeout = 0');
  try {
    return await statement();
  } finally {
    w.connection.pragma(`busy_timeout = ${w.syncMs}`);
  }
}

/**
 * SQLITE_BUSY or one of its extended codes, as the adapter reports it: a DriverAdapterError whose
 * `cause.originalCode` is better-sqlite3's `code`.
 */
function isBusy(e: unknown): boolean {
  const code = (e as { cause?: { originalCode?: unknown } })?.cause?.originalCode;
  return typeof code === 'string' && /^SQLITE_BUSY(_|$)/.test(code);
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
type Connection = {
  prepare: (sql: string) => Statement;
  pragma: (source: string) => unknown;
  inTransaction: boolean;
};

/** better-sqlite3's `Database#function`: a JavaScript function callable from this connection's SQL. */
type Functions = {
  function: (
    name: string,
    options: { deterministic: boolean; directOnly: boolean },
    fn: (...args: unknown[]) => unknown,
  ) => unknown;
};

/**
 * Text as the portal's searches compare it, in lower case and without diacritics: Unicode NFD, the
 * combining marks (\p{M}) removed, then lower case ("PEÑA Telefónica" → "pena telefonica"). On
 * SQLite it is also the SQL function `tollgate_fold` (tuneConnection), and the rule of the FTS5 trigram
 * tables (`remove_diacritics 1`, https://sqlite.org/fts5.html §4.3.4) for Latin script. PostgreSQL's
 * `tollgate_fold` (lower(unaccent()), migration 0009_search) folds the same letters, and also those
 * that are not a base letter and a mark (Ł Ø Æ ß → l o ae ss), which this keeps.
 */
export const tollgateFold = (text: string): string =>
  text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

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
 * - SQLite's busy handler waits `syncBusyMs` at most (`PRAGMA busy_timeout`), whatever `timeout` the
 *   adapter was given: the rest of a wait is `whileBusy`'s, on timers.
 * - Its transactions begin `BEGIN IMMEDIATE`, run by `serializeSqliteAdapter` before it calls the
 *   adapter's `startTransaction` (7.10), whose own `client.prepare("BEGIN").run()` then only checks
 *   that the transaction is open. The adapter must not run the BEGIN itself: when its BEGIN throws
 *   (SQLITE_BUSY past the busy timeout) it never releases its own transaction mutex, and every later
 *   transaction of the process, then every query, waited forever (seen 2026-12-03: readiness `503`
 *   `database: timeout` until a restart, after one write lock held past SQLITE_BUSY_TIMEOUT_MS).
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
 * - The SQL function `tollgate_fold(text)` (tollgateFold), named and folding as PostgreSQL's
 *   (migration 0009_search), so a search reads the same on both databases. Deterministic: SQLite
 *   folds a bound parameter once per statement, not once per row. Direct-only (SQLITE_DIRECTONLY,
 *   https://sqlite.org/c3ref/c_deterministic.html): no view, trigger, index, CHECK or DEFAULT can
 *   call it, so nothing stored depends on it, and whatever opens the file without it (the migrator,
 *   the sqlite3 shell, a backup) reads and writes as before. Null gives null (PostgreSQL's is STRICT).
 * Throws at start-up if the adapter no longer exposes its connection, so an adapter upgrade cannot
 * silently bring deferred BEGINs back.
 */
function tuneConnection(adapter: Adapter, syncBusyMs: number): Connection {
  const client = (adapter as unknown as { client?: Connection & Functions }).client;
  if (!client || typeof client.prepare !== 'function')
    throw new Error('@prisma/adapter-better-sqlite3 no longer exposes .client: revisit tuneConnection()');
  client.function('tollgate_fold', { deterministic: true, directOnly: true }, (text: unknown) =>
    text === null ? null : tollgateFold(String(text)),
  );
  const connection: Connection = {
    prepare: client.prepare.bind(client),
    pragma: client.pragma.bind(client),
    get inTransaction() {
      return client.inTransaction;
    },
  };
  connection.prepare('PRAGMA temp_store = MEMORY').run();
  connection.pragma(`busy_timeout = ${syncBusyMs}`);
  (client as unknown as { prepare: (sql: string) => AdapterStatement }).prepare = (sql) => {
    if (sql === 'BEGIN') return { bind: () => begun(connection), run: () => begun(connection).run() };
    const stmt = prepared(connection, sql, adapterStatements);
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

/** The adapter's BEGIN: a check that `serializeSqliteAdapter` has begun the transaction already. */
function begun(connection: Connection): ReturnType<AdapterStatement['bind']> {
  const check = () => {
    if (!connection.inTransaction)
      throw new Error('BEGIN without BEGIN IMMEDIATE: revisit serializeSqliteAdapter');
    return { changes: 0 };
  };
  return { reader: false, columns: () => [], run: check, raw: () => ({ all: () => [] }) };
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
