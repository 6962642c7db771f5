import path from 'node:path';

/** file:./data/tollgate.db → absolute path, relative to the working directory like Prisma does. */
export function sqlitePath(url: string): string {
  const p = url.replace(/^file:/, '').replace(/\?.*$/, '');
  return path.resolve(/*turbopackIgnore: true*/ process.cwd(), p);
}

/**
 * SQLITE_BUSY_TIMEOUT_MS in ms: how long in all a statement waits for another process's write lock
 * (validated with the rest of the environment at start-up, lib/server/env.ts); 10 000 when unset or
 * not a whole number ≥ 50. Read by the portal's connection and by the migrator, so both wait as long.
 */
export function sqliteBusyTimeoutMs(): number {
  const n = Number(process.env.SQLITE_BUSY_TIMEOUT_MS ?? 10_000);
  return Number.isInteger(n) && n >= 50 ? n : 10_000;
}
