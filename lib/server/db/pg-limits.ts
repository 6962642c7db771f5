import pg from 'pg';
import { DEFAULT_STATEMENT_TIMEOUT_MS } from '@/lib/server/env';

// How long the portal waits on PostgreSQL (2026-12-03). node-postgres's defaults wait forever: for a
// pool connection (`connectionTimeoutMillis: 0`), for a statement's answer, for a lock. In the ops lab
// (scripts/ops-lab/db-hang.ts) a frozen PostgreSQL (SIGSTOP) left readiness, pages, actions and every
// worker tick waiting for as long as it lasted, and a session holding a row lock did the same to the
// actions that wrote that row. Each wait now ends with an error the request or the tick already
// handles (the error page, a failed tick whose rows stay due), and readiness answers 503 on its own
// shorter bound (lib/server/health.ts). The migrator (lib/server/db/migrate.ts) has its own client and
// none of these limits: a migration may take as long as it takes.

/** Waiting for a pool connection, or for a new one to be set up (TCP + start-up), ms. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * Waiting for a row or table lock, ms: as long as Prisma lets an interactive transaction run (5 s by
 * default, and no transaction of the portal asks for more). A transaction still waiting past that has
 * been given up by Prisma already, and without this its ROLLBACK would queue behind the wait.
 */
export const LOCK_TIMEOUT_MS = 5_000;
/**
 * A session idle inside a transaction this long is ended by the server, ms: its client is gone or
 * frozen (Prisma itself rolls back after 5 s), and its locks would otherwise stay held.
 */
export const IDLE_IN_TRANSACTION_MS = 30_000;
/**
 * How much longer than the statement timeout the client waits for an answer, ms. The server cancels a
 * slow statement first (the connection stays usable); the client only gives up on a server that does
 * not answer at all (frozen, or the network drops the packets), and then closes that connection.
 */
export const READ_GRACE_MS = 5_000;
/** TCP keep-alive on idle pool connections after this long, ms: a peer gone from the network is noticed. */
export const KEEPALIVE_DELAY_MS = 10_000;

/**
 * POSTGRES_STATEMENT_TIMEOUT_MS from `source` (validated with the rest of the environment at start-up,
 * lib/server/env.ts), else DEFAULT_STATEMENT_TIMEOUT_MS. Read here too because scripts (the operator
 * CLI, the bench's seeding) build a client without the server's configuration.
 */
export function statementTimeoutMs(source: Record<string, string | undefined> = process.env): number {
  const raw = source.POSTGRES_STATEMENT_TIMEOUT_MS;
  const n = raw && /^[0-9]{1,9}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1000 ? n : DEFAULT_STATEMENT_TIMEOUT_MS;
}

/**
 * A node-postgres client that closes its connection when a query got no answer in `query_timeout`.
 * node-postgres rejects such a query but keeps the connection (outside pipeline mode), with the
 * unanswered statement still in flight: a transaction's client went back to the pool that way (Prisma
 * releases it after its ROLLBACK, which had queued behind the statement and timed out unsent), and
 * once the server answered again the next user of that client ran inside the old, still open
 * transaction. Closed, the pool drops it (pg-pool removes a client that is ending) and opens a new one.
 */
export class BoundedClient extends pg.Client {
  // node-postgres's overloads (callback, promise, submittable) all pass through; only the outcome is watched.
  query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (err: unknown, res: unknown) => {
        this.closeIfUnanswered(err);
        (callback as (e: unknown, r: unknown) => void)(err, res);
      };
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (typeof callback !== 'function' && result instanceof Promise)
      result.catch((err: unknown) => this.closeIfUnanswered(err));
    return result as never;
  }

  private closeIfUnanswered(err: unknown) {
    // The only error node-postgres raises for its own read timeout (pg/lib/client.js).
    if (err instanceof Error && err.message === 'Query read timeout') void this.end().catch(() => undefined);
  }
}

/**
 * The pool options of the portal's PostgreSQL client (PrismaPg passes them to pg.Pool): at most 10
 * connections; a connection waited for at most CONNECT_TIMEOUT_MS; each statement cancelled by the
 * server after `statementMs` and given up by the client READ_GRACE_MS later (BoundedClient then closes
 * the connection); a lock waited for at most LOCK_TIMEOUT_MS; a session idle in a transaction ended
 * after IDLE_IN_TRANSACTION_MS (or `statementMs`, if longer); TCP keep-alive on. All times in ms.
 * JIT compilation off for the portal's sessions (`SET jit = off` as each connection opens, pg-pool's
 * `onConnect`, before the pool hands it out; not a start-up option, which PgBouncer refuses unless
 * told to drop it: docs/operations.md, "A direct connection, or PgBouncer in session pooling"):
 * PostgreSQL compiles a statement whose estimated cost passes `jit_above_cost` (100 000 by default),
 * and the estimate of a statement with a correlated subquery per row can pass it while the statement
 * reads next to nothing. The staff home's rotated-blocks list (lib/policy/rotated-waiting.ts) took
 * 28.4 ms on the staff bench's database, 27.8 ms of it compiling (EXPLAIN ANALYZE's "JIT: … Total"),
 * for 0.4 ms of execution. The portal runs short statements only, which JIT does not pay back
 * (https://www.postgresql.org/docs/current/jit-decision.html); the migrator and psql keep the server's setting.
 */
export function pgPoolOptions(
  connectionString: string,
  statementMs = statementTimeoutMs(),
): pg.PoolConfig & { onConnect: (client: pg.ClientBase) => Promise<unknown> } {
  return {
    connectionString,
    max: 10,
    Client: BoundedClient,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    statement_timeout: statementMs,
    query_timeout: statementMs + READ_GRACE_MS,
    lock_timeout: LOCK_TIMEOUT_MS,
    // Never shorter than a statement may run: long work that raised the statement limit (the bench's
    // seeding: Prisma builds the next 100 000-row INSERT of a createMany between two statements of
    // its transaction, over 30 s on this machine) is not ended between its statements either.
    idle_in_transaction_session_timeout: Math.max(IDLE_IN_TRANSACTION_MS, statementMs),
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
    onConnect: (client) => client.query('SET jit = off'),
  };
}
