import os from 'node:os';
import path from 'node:path';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrismaClient as PgClient } from '@/lib/generated/postgresql/client';
import { PrismaClient as SqliteClient } from '@/lib/generated/sqlite/client';
import { createClient } from '@/lib/server/db/connect';
import { isDatabaseUnavailable, isUniqueViolation } from '@/lib/server/db/errors';
import { markDatabaseUnavailable } from '@/lib/server/db/unavailable';
import { sqlitePath } from '@/lib/server/db/url';
import { DATABASE_UNAVAILABLE_DIGEST } from '@/lib/i18n/error-text';
import { freshDatabase } from '@/tests/helpers/db';
import { holdWriteLock } from '@/tests/helpers/sqlite-lock';

// lib/server/db/errors.ts `isDatabaseUnavailable` on the errors the real clients throw: an outage (a
// page says so and answers 503, lib/server/db/unavailable.ts) told from a refusal or a bug (a 500
// with a reference). Each error below is made by a real database, or by none being there.

const client = (url: string) => createClient(url, { SqliteClient, PgClient, PrismaBetterSqlite3, PrismaPg });

/** What `f` threw (the test fails when it did not throw). */
async function thrown(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** A model read, a raw read and an interactive transaction on `db`: the three ways the portal reads. */
const threeReads = (db: ReturnType<typeof client>) => [
  () => db.user.findFirst(),
  () => db.$queryRaw`SELECT 1`,
  () => db.$transaction(async (tx) => tx.user.findFirst()),
];

describe('PostgreSQL', () => {
  const admin = new URL(process.env.TEST_PG_URL!);
  let url: string;
  let db: ReturnType<typeof client>;
  beforeAll(async () => {
    url = await freshDatabase('postgresql');
    db = client(url);
  });
  afterAll(async () => db?.$disconnect());

  it('unavailable: no server on the port, a database that is not there, a role that is not there', async () => {
    const gone = new URL(admin);
    gone.port = '1';
    const noDb = new URL(admin);
    noDb.pathname = '/no_such_database_here';
    const noRole = new URL(admin);
    noRole.username = 'no_such_role_here';
    // A Unix socket whose server is not there (a stopped PostgreSQL on its default socket): ENOENT at connect.
    const noSocket = new URL(admin);
    noSocket.host = '';
    noSocket.searchParams.set('host', '/tmp/no-such-postgres-socket-dir');
    for (const u of [gone, noDb, noRole, noSocket]) {
      const c = client(u.toString());
      try {
        for (const read of threeReads(c))
          expect(isDatabaseUnavailable(await thrown(read)), `${u}`).toBe(true);
      } finally {
        await c.$disconnect();
      }
    }
  });

  it('unavailable: a statement past statement_timeout, a lock not granted within lock_timeout', async () => {
    const slow = await thrown(() =>
      db.$transaction(async (tx) => {
        await tx.$executeRaw`SET LOCAL statement_timeout = 50`;
        await tx.$queryRaw`SELECT pg_sleep(2)`;
      }),
    );
    expect(isDatabaseUnavailable(slow)).toBe(true);

    const user = await db.user.create({ data: { email: `lock-${Date.now()}@t.example` } });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = db.$transaction(
      async (tx) => {
        await tx.$queryRaw`SELECT id FROM "User" WHERE id = ${user.id} FOR UPDATE`;
        locked();
        await held;
      },
      { timeout: 20_000 },
    );
    try {
      await isLocked;
      const waiting = await thrown(() =>
        db.$transaction(async (tx) => {
          await tx.$executeRaw`SET LOCAL lock_timeout = 50`;
          await tx.user.update({ where: { id: user.id }, data: { name: 'second' } });
        }),
      );
      expect(isDatabaseUnavailable(waiting)).toBe(true);
    } finally {
      release();
      await holder;
    }
  });

  it('not unavailable: a unique violation, a foreign key violation, a statement that is wrong', async () => {
    const email = `twice-${Date.now()}@t.example`;
    await db.user.create({ data: { email } });
    const twice = await thrown(() => db.user.create({ data: { email } }));
    expect(isUniqueViolation(twice)).toBe(true);
    const orphan = await thrown(() =>
      db.membership.create({ data: { userId: 'no-such-user', accountId: 'no-such-account' } }),
    );
    const wrong = await thrown(() => db.$queryRawUnsafe('SELEC 1'));
    for (const e of [twice, orphan, wrong]) expect(isDatabaseUnavailable(e)).toBe(false);
  });
});

describe('SQLite', () => {
  it('unavailable: a file that cannot be opened, or one another process holds past the busy timeout', async () => {
    const missing = client(`file:${path.join(os.tmpdir(), 'no-such-dir-here', 'x.db')}`);
    for (const read of threeReads(missing)) expect(isDatabaseUnavailable(await thrown(read))).toBe(true);

    const busyTimeout = process.env.SQLITE_BUSY_TIMEOUT_MS;
    process.env.SQLITE_BUSY_TIMEOUT_MS = '200';
    const url = await freshDatabase('sqlite');
    const db = client(url);
    try {
      await db.auditLog.count(); // the connection is open
      const holder = await holdWriteLock(sqlitePath(url), 1500);
      const busy = await thrown(() => db.auditLog.create({ data: { action: 'test.busy' } }));
      expect(isDatabaseUnavailable(busy)).toBe(true);
      await holder.exited;
    } finally {
      if (busyTimeout === undefined) delete process.env.SQLITE_BUSY_TIMEOUT_MS;
      else process.env.SQLITE_BUSY_TIMEOUT_MS = busyTimeout;
      await db.$disconnect();
    }
  });

  it('unavailable: a database that takes no writes (SQLITE_READONLY, as on a file system remounted read-only)', async () => {
    const db = client(await freshDatabase('sqlite'));
    try {
      // query_only makes SQLite answer a write as it answers one to a read-only file.
      await db.$executeRawUnsafe('PRAGMA query_only = 1');
      const readOnly = await thrown(() => db.auditLog.create({ data: { action: 'test.readonly' } }));
      expect(String((readOnly as Error).message)).toMatch(/readonly/i);
      expect(isDatabaseUnavailable(readOnly)).toBe(true);
    } finally {
      await db.$disconnect();
    }
  });

  it('not unavailable: a unique violation, a statement that is wrong, a bug', async () => {
    const db = client(await freshDatabase('sqlite'));
    try {
      const email = `twice-${Date.now()}@t.example`;
      await db.user.create({ data: { email } });
      const twice = await thrown(() => db.user.create({ data: { email } }));
      const wrong = await thrown(() => db.$queryRawUnsafe('SELEC 1'));
      for (const e of [twice, wrong, new TypeError('x is undefined'), null, 'text'])
        expect(isDatabaseUnavailable(e)).toBe(false);
    } finally {
      await db.$disconnect();
    }
  });
});

describe('isDatabaseUnavailable on shapes no local database makes', () => {
  // node-postgres throws socket errors the pg adapter does not map as they came; Prisma's
  // initialization error carries `errorCode`, not `code`.
  const socket = (code: string, syscall: string) => Object.assign(new Error(code), { code, syscall });
  it.each([
    ['a DNS lookup that timed out', socket('EAI_AGAIN', 'getaddrinfo'), true],
    ['a network that went down', socket('ENETDOWN', 'connect'), true],
    ['a connection aborted', socket('ECONNABORTED', 'read'), true],
    ['PrismaClientInitializationError P1001', Object.assign(new Error('x'), { errorCode: 'P1001' }), true],
    ['a driver adapter error of kind postgres 57P01', { kind: 'postgres', code: '57P01' }, true],
    ['a file the code could not open (ENOENT at open)', socket('ENOENT', 'open'), false],
    [
      'a protocol violation (08P01): a statement the client got wrong',
      { kind: 'postgres', code: '08P01' },
      false,
    ],
    ['a connection failure (08006)', { kind: 'postgres', code: '08006' }, true],
  ])('%s → %s', (_what, e, unavailable) => {
    expect(isDatabaseUnavailable(e)).toBe(unavailable);
  });
});

describe('markDatabaseUnavailable', () => {
  it('gives an outage the digest the error page reads, and leaves any other error as it was', () => {
    const outage = Object.assign(new Error("Can't reach database server"), { code: 'P1001' });
    expect(markDatabaseUnavailable(outage)).toBe(outage);
    expect(outage).toMatchObject({ digest: DATABASE_UNAVAILABLE_DIGEST });
    const bug = new TypeError('x is undefined');
    expect(markDatabaseUnavailable(bug)).toBe(bug);
    expect(bug).not.toHaveProperty('digest');
    expect(markDatabaseUnavailable(null)).toBeNull();
  });
});
