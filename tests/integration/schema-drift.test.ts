import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dialects, freshDatabase } from '@/tests/helpers/db';
import {
  type DbShape,
  introspectPostgres,
  introspectSqlite,
  partialKey,
  SEARCH_DOCUMENT,
} from '@/tests/helpers/introspect';

/** Partial indexes, which Prisma's schema cannot say: the index's WHERE, by `Table(columns)`. Migrations 0023, 0034. */
const PARTIAL: Record<string, string> = {
  'AuditLog(actorEmail,at)': 'actorId IS NULL',
  'UnblockRequest(status,claimedAt)': 'claimedAt IS NOT NULL',
  'DestinationAllowance(status,claimedAt)': 'claimedAt IS NOT NULL',
  'SwitchOperation(status,createdAt)': "status = 'pending'",
};

type Datamodel = {
  enums: { name: string; values: string[] }[];
  models: {
    name: string;
    dbName: string;
    fields: { name: string; type: string; kind: string; isRequired: boolean; isUnique: boolean }[];
    uniqueIndexes: string[][];
  }[];
  indexes: { model: string; type: string; fields: string[] }[];
};

/** What prisma/schema.prisma says the database must hold (written by prisma/datamodel-generator.cjs). */
function expectedShape(dialect: 'sqlite' | 'postgresql'): DbShape {
  const dm = JSON.parse(fs.readFileSync(path.resolve('lib/generated/datamodel.json'), 'utf8')) as Datamodel;
  // Substring search (lib/staff/search.ts): FTS5 / pg_trgm, declared only in migrations 0009_search
  // and 0019_member_name_search; on PostgreSQL, the search documents of 0022 and the writes that
  // keep them (every write of a column they hold: the account's number and name, a membership, a
  // member's email and name, a SIP username).
  const search = [
    'CustomerAccount.name',
    'CustomerAccount.number',
    'SipCredential.username',
    'User.email',
    'User.name',
    ...(dialect === 'postgresql'
      ? [
          `${SEARCH_DOCUMENT}(accountId,document,number) by number`,
          `${SEARCH_DOCUMENT} kept on CustomerAccount INSERT,UPDATE; Membership DELETE,INSERT,UPDATE; SipCredential DELETE,INSERT,UPDATE; User UPDATE`,
        ]
      : []),
  ].sort();
  const shape: DbShape = { tables: {}, search };
  for (const m of dm.models) {
    const columns: DbShape['tables'][string]['columns'] = {};
    for (const f of m.fields) {
      const e = f.kind === 'enum' ? dm.enums.find((x) => x.name === f.type)!.values : undefined;
      columns[f.name] = { nullable: !f.isRequired, ...(e ? { enumValues: e } : {}) };
    }
    const idx = dm.indexes.filter((i) => i.model === m.name);
    shape.tables[m.dbName] = {
      columns,
      uniques: idx
        .filter((i) => i.type === 'unique')
        .map((i) => i.fields.join(','))
        .sort(),
      indexes: idx
        .filter((i) => i.type === 'normal')
        .map((i) => i.fields.join(','))
        .map((k) => partialKey(k, PARTIAL[`${m.dbName}(${k})`] ?? null))
        .sort(),
    };
  }
  return shape;
}

describe.each(dialects())('schema drift on %s', (dialect) => {
  it('the migrated database matches the Prisma schema: tables, columns, nullability, uniques, indexes, enums', async () => {
    const url = await freshDatabase(dialect);
    const actual = dialect === 'sqlite' ? introspectSqlite(url) : await introspectPostgres(url);
    expect(actual).toEqual(expectedShape(dialect));
  });
});
