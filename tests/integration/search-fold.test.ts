import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { getDb } from '@/lib/server/db';
import { tollgateFold } from '@/lib/server/db/serialized-sqlite';
import { sqlitePath } from '@/lib/server/db/url';
import { dialects, useFreshDb } from '@/tests/helpers/db';
import { makeAccount } from '@/tests/helpers/factory';

// tollgate_fold, the fold of the searches (lower case, no diacritics), is one SQL function on both
// databases: PostgreSQL's lower(unaccent()) (migration 0009_search), and on SQLite the portal's own
// connection's function (lib/server/db/serialized-sqlite.ts), which nothing stored may use: the
// migrator, the sqlite3 shell and a backup open the file without it.

/** Spanish, Portuguese and Catalan letters, in both cases and in both Unicode forms. */
const TEXTS = [
  'PEÑA Telecom',
  'Telefónica',
  'ÁÉÍÓÚÜÑ áéíóúüñ',
  'ÇçÀÈÌÒÙàèìòù ÂÊÎÔÛâêîôû ÃÕãõ',
  'Pen\u0303a Telefo\u0301nica',
  'ACC-100200 sip-01',
  '',
];

describe.each(dialects())('tollgate_fold on %s', (dialect) => {
  let url: string;
  beforeAll(async () => {
    url = await useFreshDb(dialect);
  });

  it('folds case and accents as the JavaScript fold does; null stays null', async () => {
    for (const text of TEXTS) {
      const [row] = await getDb().$queryRaw<{ f: string }[]>`SELECT tollgate_fold(${text}) AS f`;
      expect(row!.f, text).toBe(tollgateFold(text));
    }
    expect(tollgateFold('PEÑA Telefónica')).toBe('pena telefonica');
    const [none] = await getDb().$queryRaw<{ f: string | null }[]>`SELECT tollgate_fold(NULL) AS f`;
    expect(none!.f).toBeNull();
  });

  it('is never stored on SQLite: an index on it is refused, a view of it cannot be read, and a connection without it reads the file', async () => {
    if (dialect !== 'sqlite') return; // PostgreSQL's is part of the schema (migration 0009_search)
    const db = getDb();
    const { account } = await makeAccount();
    const unsafe = /unsafe use of tollgate_fold/;
    await expect(
      db.$executeRawUnsafe('CREATE INDEX "folded_idx" ON "CustomerAccount" (tollgate_fold("name"))'),
    ).rejects.toThrow(unsafe);
    // SQLite checks a view (or a trigger, a DEFAULT) when it runs: never, from the portal.
    await db.$executeRawUnsafe(
      'CREATE VIEW "folded" AS SELECT tollgate_fold("name") AS n FROM "CustomerAccount"',
    );
    await expect(db.$queryRawUnsafe('SELECT n FROM "folded"')).rejects.toThrow(unsafe);
    await db.$executeRawUnsafe('DROP VIEW "folded"');
    // Another process (the sqlite3 shell, a backup script) has no such function, and needs none.
    const other = new Database(sqlitePath(url));
    try {
      expect(() => other.prepare("SELECT tollgate_fold('x')").get()).toThrow(/no such function/);
      expect(other.prepare('SELECT "name" FROM "CustomerAccount" WHERE "id" = ?').get(account.id)).toEqual({
        name: account.name,
      });
      expect(other.prepare('PRAGMA integrity_check').get()).toEqual({ integrity_check: 'ok' });
    } finally {
      other.close();
    }
  });
});
