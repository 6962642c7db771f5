import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { migrate } from '@/lib/server/db/migrate';

export type Dialect = 'sqlite' | 'postgresql';

/**
 * The databases this run tests against. npm test starts a throwaway PostgreSQL and sets TEST_PG_URL;
 * under CI=true a missing PostgreSQL is a failure, never a silent skip.
 */
export function dialects(): Dialect[] {
  if (process.env.TEST_PG_URL) return ['sqlite', 'postgresql'];
  if (process.env.CI === 'true')
    throw new Error('TEST_PG_URL is not set under CI=true: the PostgreSQL suite must run (use npm test).');
  console.warn('TEST_PG_URL not set: running the SQLite half only (npm test runs both).');
  return ['sqlite'];
}

function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!['localhost', '127.0.0.1', '::1', ''].includes(host))
    throw new Error(`Refusing to run tests against a non-local database (${host}).`);
}

/**
 * A fresh, migrated database of the given dialect; returns its URL. `migrationsDir`: another copy of
 * prisma/migrations to apply (a test of one migration applies those before it first).
 */
export async function freshDatabase(dialect: Dialect, migrationsDir?: string): Promise<string> {
  const name = `t_${crypto.randomBytes(6).toString('hex')}`;
  if (dialect === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-test-'));
    const url = `file:${path.join(dir, `${name}.db`)}`;
    await migrate(url, migrationsDir);
    return url;
  }
  const admin = process.env.TEST_PG_URL!;
  assertLocal(admin);
  const c = new pg.Client({ connectionString: admin });
  await c.connect();
  await c.query(`CREATE DATABASE ${name}`);
  await c.end();
  const u = new URL(admin);
  u.pathname = `/${name}`;
  await migrate(u.toString(), migrationsDir);
  return u.toString();
}

/**
 * Points lib/server/db at `url` (undefined: unset), as a restarted process would see it: the client
 * in use is disconnected (an error doing so, from a database that is gone, is ignored) and the next
 * statement opens a new one from DATABASE_URL.
 */
export async function pointDbAt(url: string | undefined): Promise<void> {
  const g = globalThis as unknown as { tollgateDb?: { $disconnect(): Promise<void> } };
  await g.tollgateDb?.$disconnect().catch(() => undefined);
  g.tollgateDb = undefined;
  if (url === undefined) delete process.env.DATABASE_URL;
  else process.env.DATABASE_URL = url;
}

/** Points lib/server/db at a fresh database (the client is created lazily from DATABASE_URL). */
export async function useFreshDb(dialect: Dialect): Promise<string> {
  const url = await freshDatabase(dialect);
  await pointDbAt(url);
  return url;
}

/**
 * Every INSERT into `table` fails with an error naming `simulated_outage` until the returned function is called: a
 * trigger, so the error comes from the real database (a write refused), on either dialect, and only
 * where the test wants it (the rows before it, a rate-limit counter say, are written as usual).
 */
export async function failInserts(dialect: Dialect, table: string): Promise<() => Promise<void>> {
  const { getDb } = await import('@/lib/server/db');
  const db = getDb();
  const name = `test_fail_${table.toLowerCase()}`;
  if (dialect === 'sqlite') {
    await db.$executeRawUnsafe(
      // Not RAISE(): SQLite reports that as a constraint, which Prisma words as a foreign key violation.
      // A table that does not exist is a plain SQLITE_ERROR ("no such table: main.simulated_outage").
      `CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" BEGIN SELECT 1 FROM simulated_outage; END`,
    );
    return async () => void (await db.$executeRawUnsafe(`DROP TRIGGER ${name}`));
  }
  await db.$executeRawUnsafe(
    `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'simulated_outage'; END $$`,
  );
  await db.$executeRawUnsafe(
    `CREATE TRIGGER ${name} BEFORE INSERT ON "${table}" FOR EACH ROW EXECUTE FUNCTION ${name}()`,
  );
  return async () => {
    await db.$executeRawUnsafe(`DROP TRIGGER ${name} ON "${table}"`);
    await db.$executeRawUnsafe(`DROP FUNCTION ${name}()`);
  };
}
