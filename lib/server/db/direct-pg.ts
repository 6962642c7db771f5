import { AsyncLocalStorage } from 'node:async_hooks';
import type { PrismaPg } from '@prisma/adapter-pg';

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;
type Transaction = Awaited<ReturnType<Adapter['startTransaction']>>;
type SqlQuery = Parameters<Transaction['queryRaw']>[0];

/**
 * The PostgreSQL half of decision 007 (docs/decisions/007-direct-sqlite-statements.md): a hot
 * path's raw statements (`txQuery` / `txExecute` of lib/server/db.ts) run on the pg adapter's own
 * transaction object, the pool client that holds the interactive transaction's BEGIN, instead of
 * through `tx.$queryRaw` and Prisma's per-query pipeline (request, serialisation, the query
 * interpreter, result mapping: ≈ 28 % of a switch event's time on PostgreSQL, bench/README.md,
 * switch-events, eighth pass). The statements stay inside the Prisma transaction: committed or
 * rolled back with it.
 *
 * How a `tx` finds its adapter transaction: the PrismaPg adapter does not expose it, and a
 * PostgreSQL pool has many transactions open at once, so each interactive `$transaction` of the
 * client runs in an AsyncLocalStorage slot (`wrapPgTransactions`), and the adapter's
 * `startTransaction` (`capturePgTransactions`) puts the transaction it opened into the slot of the
 * async context that asked for it. Prisma starts the transaction in the caller's async chain, so the
 * slot is always the caller's (tests/integration/event-sql.test.ts runs 20 at once and compares
 * `pg_current_xact_id()`).
 */
export type PgSlot = {
  /** The `tx` client Prisma gave the callback: statements of another `tx` never use this slot. */
  owner?: object;
  /** The adapter transaction opened for this `$transaction` (its first one, if it started several). */
  transaction?: Transaction;
  /** Set when COMMIT or ROLLBACK is asked for (a timeout's too): a later statement throws. */
  closed: boolean;
};

/** The statements a slot runs: `sql` in PostgreSQL's `$n` form and its values. */
export type DirectPg = {
  query(sql: string, values: unknown[]): Promise<Record<string, unknown>[]>;
  execute(sql: string, values: unknown[]): Promise<number>;
};

/** Wraps the adapter factory so that each transaction it starts lands in the caller's slot. */
export function capturePgTransactions(factory: PrismaPg, slots: AsyncLocalStorage<PgSlot>): PrismaPg {
  const connect = factory.connect.bind(factory);
  factory.connect = async () => {
    const adapter = await connect();
    const start = adapter.startTransaction.bind(adapter);
    adapter.startTransaction = async (isolationLevel) => {
      const transaction = await start(isolationLevel);
      const slot = slots.getStore();
      if (slot && !slot.transaction && !slot.closed) {
        slot.transaction = transaction;
        // Prisma ends a transaction with an `executeRaw` of COMMIT or ROLLBACK, then `commit()` or
        // `rollback()` (which return the client to the pool). Closing the slot at the first of these
        // keeps a late statement from running after it, outside the transaction.
        const execute = transaction.executeRaw.bind(transaction);
        transaction.executeRaw = (q: SqlQuery) => {
          if (/^\s*(COMMIT|ROLLBACK)\s*;?\s*$/i.test(q.sql)) slot.closed = true; // not ROLLBACK TO SAVEPOINT
          return execute(q);
        };
        for (const end of ['commit', 'rollback'] as const) {
          const f = transaction[end].bind(transaction);
          transaction[end] = () => {
            slot.closed = true;
            return f();
          };
        }
      }
      return transaction;
    };
    return adapter;
  };
  return factory;
}

/**
 * Makes `client.$transaction(fn)` (the interactive form) run `fn` in a fresh slot of `slots`,
 * recording the `tx` it is given. The batch form (an array) is passed through.
 */
export function wrapPgTransactions(client: object, slots: AsyncLocalStorage<PgSlot>): void {
  const original = (client as { $transaction: (...a: unknown[]) => Promise<unknown> }).$transaction;
  Object.defineProperty(client, '$transaction', {
    configurable: true,
    value: (arg: unknown, ...rest: unknown[]) => {
      if (typeof arg !== 'function') return original.call(client, arg, ...rest);
      const slot: PgSlot = { closed: false };
      return slots.run(slot, () =>
        original.call(
          client,
          (tx: object) => {
            slot.owner = tx;
            return (arg as (tx: object) => Promise<unknown>)(tx);
          },
          ...rest,
        ),
      );
    },
  });
}

/**
 * The direct statements of `tx`'s transaction, or null when `tx` is not the client of the
 * `$transaction` whose async context this is (then the caller uses `tx.$queryRaw`). Throws when it
 * is, but its adapter transaction was not captured (a Prisma or adapter upgrade changed how they
 * start one: never Prisma's pipeline by mistake), or the transaction has ended.
 */
export function directPg(slots: AsyncLocalStorage<PgSlot>, tx: object): DirectPg | null {
  const slot = slots.getStore();
  if (!slot || slot.owner !== tx) return null;
  const t = slot.transaction;
  if (!t) throw new Error('txQuery/txExecute: the PostgreSQL transaction of this tx was not captured');
  const check = () => {
    if (slot.closed) throw new Error('txQuery/txExecute: the transaction has ended');
  };
  // Values go to the adapter as Prisma's raw queries send them: dates as UTC `timestamp` text
  // (`argTypes` only matter for dates and lists, and these statements bind neither as such).
  const q = (sql: string, values: unknown[]): SqlQuery =>
    ({
      sql,
      args: values,
      argTypes: values.map(() => ({ arity: 'scalar', scalarType: 'unknown' })),
    }) as unknown as SqlQuery;
  return {
    async query(sql, values) {
      check();
      const { columnNames, rows } = await t.queryRaw(q(sql, values));
      return rows.map((row) => Object.fromEntries(columnNames.map((c, i) => [c, row[i]])));
    },
    async execute(sql, values) {
      check();
      return t.executeRaw(q(sql, values));
    },
  };
}
