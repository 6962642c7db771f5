import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '@/lib/server/db/migrate';
import { dialects, freshDatabase } from '@/tests/helpers/db';

function copyMigrations(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tollgate-mig-'));
  fs.cpSync(path.resolve('prisma/migrations'), dir, { recursive: true });
  return dir;
}

describe.each(dialects())('migrations on %s', (dialect) => {
  it('a second run applies nothing', async () => {
    const url = await freshDatabase(dialect);
    const again = await migrate(url);
    expect(again.applied).toEqual([]);
    expect(again.skipped).toBeGreaterThan(0);
  });

  it('refuses an applied file that changed, and applies a new one exactly once', async () => {
    const dir = copyMigrations();
    const url = await freshDatabase(dialect);
    fs.writeFileSync(
      path.join(dir, dialect, '9999_probe.sql'),
      'CREATE TABLE "Probe" ("id" INTEGER NOT NULL);\n',
    );
    expect((await migrate(url, dir)).applied).toEqual(['9999_probe.sql']);
    expect((await migrate(url, dir)).applied).toEqual([]);
    fs.appendFileSync(path.join(dir, dialect, '0001_init.sql'), '\n-- edited\n');
    await expect(migrate(url, dir)).rejects.toThrow(/changed after it was applied/);
  });

  it('rolls back a failing migration as a whole', async () => {
    const dir = copyMigrations();
    const url = await freshDatabase(dialect);
    fs.writeFileSync(
      path.join(dir, dialect, '9998_broken.sql'),
      'CREATE TABLE "Half" ("id" INTEGER);\nTHIS IS NOT SQL;\n',
    );
    await expect(migrate(url, dir)).rejects.toThrow();
    fs.writeFileSync(path.join(dir, dialect, '9998_broken.sql'), 'CREATE TABLE "Half" ("id" INTEGER);\n');
    // The table from the failed attempt does not exist, so the fixed file applies cleanly.
    expect((await migrate(url, dir)).applied).toEqual(['9998_broken.sql']);
  });
});
