// Prisma's error codes the domain reads (https://www.prisma.io/docs/orm/reference/error-reference).
// Pure: the operator CLI and the domain both import it.

/**
 * True for Prisma's P2002, "Unique constraint failed": a row with the same unique key was written
 * first, by a concurrent request or command that passed the same "does it exist?" check.
 */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'P2002';

/**
 * True for Prisma's P2003, "Foreign key constraint failed": the row it points at (a session, say) was
 * deleted by a concurrent request between a check and the insert that needed it.
 */
export const isForeignKeyViolation = (e: unknown): boolean =>
  (e as { code?: string } | null)?.code === 'P2003';

/**
 * Driver adapter error kinds (@prisma/driver-adapter-utils) that say the database could not be used:
 * not reached, refused the login, closed the connection, timed out, or had no connection to give.
 * `SocketTimeout` is also what the SQLite adapter reports for SQLITE_BUSY past the busy timeout.
 */
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
  'ConnectionClosed',
  'TlsConnectionError',
  'TooManyConnections',
  'SocketTimeout',
]);

/**
 * Prisma's codes for the same (https://www.prisma.io/docs/orm/reference/error-reference): P1000
 * authentication failed, P1001 can't reach the server, P1002 timed out reaching it, P1003 database
 * does not exist, P1008 operations timed out, P1010 access denied, P1011 TLS, P1017 the server closed
 * the connection, P2024 timed out waiting for a pool connection.
 */
const UNAVAILABLE_PRISMA_CODES = new Set([
  'P1000',
  'P1001',
  'P1002',
  'P1003',
  'P1008',
  'P1010',
  'P1011',
  'P1017',
  'P2024',
]);

/**
 * PostgreSQL SQLSTATEs (PostgreSQL manual, Appendix A): class 08 connection exception (but 08P01,
 * protocol violation: a statement the client got wrong, such as too many bind parameters), 53 insufficient
 * resources (53300 too many connections, 53100 disk full), 57P01–57P03 shutting down, crashed, not
 * yet accepting connections, 57014 a statement cancelled by statement_timeout, 55P03 a lock not granted
 * within lock_timeout (lib/server/db/pg-limits.ts sets both).
 */
const UNAVAILABLE_SQLSTATE = /^(08(?!P01)...|53...|57P0[123]|57014|55P03)$/;

/**
 * SQLite primary result codes (https://www.sqlite.org/rescode.html): 5 BUSY, 6 LOCKED, 7 NOMEM,
 * 8 READONLY, 10 IOERR, 13 FULL, 14 CANTOPEN; by name as better-sqlite3 reports them (SQLITE_BUSY,
 * SQLITE_IOERR_WRITE, …).
 */
const UNAVAILABLE_SQLITE_PRIMARY = new Set([5, 6, 7, 8, 10, 13, 14]);
const UNAVAILABLE_SQLITE_NAME = /^SQLITE_(BUSY|LOCKED|NOMEM|READONLY|IOERR|FULL|CANTOPEN)(_|$)/;

/**
 * node-postgres's own messages when it gives up (no code): the pool's connectionTimeoutMillis, a
 * connection cut or timed out, its query_timeout (lib/server/db/pg-limits.ts READ_GRACE_MS); and
 * better-sqlite3's for a database file it cannot open.
 */
const UNAVAILABLE_MESSAGE =
  /timeout exceeded when trying to connect|Connection terminated|Query read timeout|Client has encountered a connection error|Cannot open database/i;

/**
 * The socket errors of a server that cannot be reached or went away (Node's `code`): @prisma/adapter-pg
 * maps only four of them and throws the others as they came (a DNS blip's EAI_AGAIN among them). An
 * ENOENT counts only from `connect` (a Unix socket whose server is stopped).
 */
const UNAVAILABLE_SOCKET = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * True when `e` says the database could not be used at all, rather than refusing this statement (a
 * unique violation, a bad value): not reached, refused the connection or the login, went away, had
 * no free connection, timed out, is busy past its lock or busy timeout, or (SQLite) its file cannot be
 * opened or written. The request can be tried again later and nothing of it was done by the failing
 * statement. Reads a Prisma error (its `code` and `meta.driverAdapterError.cause`), a driver
 * adapter's error, node-postgres's and better-sqlite3's own, and their `cause` chain (4 deep).
 */
export function isDatabaseUnavailable(e: unknown, depth = 0): boolean {
  if (e === null || typeof e !== 'object' || depth > 4) return false;
  const err = e as {
    code?: unknown;
    /** PrismaClientInitializationError's code (P1001…), where other Prisma errors have `code`. */
    errorCode?: unknown;
    syscall?: unknown;
    kind?: unknown;
    extendedCode?: unknown;
    originalCode?: unknown;
    message?: unknown;
    cause?: unknown;
    meta?: { driverAdapterError?: unknown };
  };
  if (typeof err.code === 'string') {
    if (UNAVAILABLE_PRISMA_CODES.has(err.code) || UNAVAILABLE_SOCKET.has(err.code)) return true;
    // Node's own error has `syscall`; Prisma's copy of it keeps the code and the text ("connect ENOENT …").
    if (
      err.code === 'ENOENT' &&
      (err.syscall === 'connect' || /\bconnect ENOENT\b/.test(String(err.message)))
    )
      return true;
    if (UNAVAILABLE_SQLSTATE.test(err.code) || UNAVAILABLE_SQLITE_NAME.test(err.code)) return true;
  }
  if (typeof err.errorCode === 'string' && UNAVAILABLE_PRISMA_CODES.has(err.errorCode)) return true;
  if (typeof err.kind === 'string') {
    if (UNAVAILABLE_KINDS.has(err.kind)) return true;
    if (
      err.kind === 'sqlite' &&
      typeof err.extendedCode === 'number' &&
      UNAVAILABLE_SQLITE_PRIMARY.has(err.extendedCode & 0xff)
    )
      return true;
  }
  // The driver's own code, kept by the adapters beside their mapping (SQLite's names map to
  // extendedCode 1 when the adapter does not know them: SQLITE_READONLY).
  if (
    typeof err.originalCode === 'string' &&
    (UNAVAILABLE_SQLSTATE.test(err.originalCode) || UNAVAILABLE_SQLITE_NAME.test(err.originalCode))
  )
    return true;
  if (typeof err.message === 'string' && UNAVAILABLE_MESSAGE.test(err.message)) return true;
  return (
    isDatabaseUnavailable(err.meta?.driverAdapterError, depth + 1) ||
    isDatabaseUnavailable(err.cause, depth + 1)
  );
}
