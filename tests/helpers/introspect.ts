import Database from 'better-sqlite3';
import pg from 'pg';
import { sqlitePath } from '@/lib/server/db/url';

/** What a migrated database actually holds, in one shape for both dialects. */
export type DbShape = {
  tables: Record<
    string,
    {
      columns: Record<string, { nullable: boolean; enumValues?: string[] }>;
      uniques: string[];
      indexes: string[];
    }
  >;
  /**
   * Substring-search indexes that Prisma cannot describe (migration 0009_search), as
   * "Table.column": SQLite FTS5 trigram tables over a model's table, PostgreSQL pg_trgm GIN indexes;
   * and on PostgreSQL the search documents of migration 0022 (SEARCH_DOCUMENT), as its columns and
   * walk index, and the tables and writes whose triggers keep it.
   */
  search: string[];
};

const key = (cols: string[]) => cols.join(',');
/**
 * An index's key, with ` where <predicate>` for a partial one (quotes, parentheses, spaces and
 * PostgreSQL's casts of a literal, `'pending'::"OutboxStatus"`, taken out, to compare).
 */
export const partialKey = (k: string, where: string | null) =>
  where
    ? `${k} where ${where
        .replace(/::"?\w+"?/g, '')
        .replace(/"/g, '')
        .replace(/[()]/g, '')
        .replace(/\s+/g, ' ')
        .trim()}`
    : k;

/** PostgreSQL's search documents (migration 0022), one row per account, kept by triggers. */
export const SEARCH_DOCUMENT = 'AccountSearchDocument';

export function introspectSqlite(url: string): DbShape {
  const conn = new Database(sqlitePath(url), { readonly: true });
  try {
    const all = conn
      .prepare(
        `SELECT name, sql FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' AND name <> '_tollgate_migrations'`,
      )
      .all() as { name: string; sql: string }[];
    // FTS5 virtual tables and their shadow tables (<name>_data, _idx, _docsize, _config, _content).
    const fts = all.filter((t) => /^CREATE VIRTUAL TABLE/i.test(t.sql));
    const shadow = (n: string) =>
      fts.some((f) => new RegExp(`^${f.name}_(data|idx|docsize|config|content)$`).test(n));
    const tables = all.filter((t) => !fts.includes(t) && !shadow(t.name));
    const shape: DbShape = { tables: {}, search: [] };
    for (const f of fts) {
      const content = /content\s*=\s*'([^']+)'/i.exec(f.sql)?.[1] ?? f.name;
      for (const c of conn.prepare(`PRAGMA table_info("${f.name}")`).all() as { name: string }[])
        shape.search.push(`${content}.${c.name}`);
    }
    shape.search.sort();
    for (const t of tables) {
      const columns: DbShape['tables'][string]['columns'] = {};
      for (const c of conn.prepare(`PRAGMA table_info("${t.name}")`).all() as {
        name: string;
        notnull: number;
        pk: number;
      }[]) {
        const check = new RegExp(`CHECK \\("${c.name}" IN \\(([^)]*)\\)\\)`).exec(t.sql);
        columns[c.name] = {
          nullable: c.notnull === 0 && c.pk === 0,
          ...(check ? { enumValues: check[1].split(',').map((v) => v.trim().replace(/^'|'$/g, '')) } : {}),
        };
      }
      const uniques: string[] = [];
      const indexes: string[] = [];
      for (const idx of conn.prepare(`PRAGMA index_list("${t.name}")`).all() as {
        name: string;
        unique: number;
        origin: string;
        partial: number;
      }[]) {
        if (idx.origin === 'pk') continue;
        const cols = (conn.prepare(`PRAGMA index_info("${idx.name}")`).all() as { name: string }[]).map(
          (r) => r.name,
        );
        // A partial index (Prisma cannot say one: migration 0023) with its WHERE, as PostgreSQL's below.
        const sql = idx.partial
          ? (conn
              .prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`)
              .get(idx.name) as { sql: string })
          : null;
        const where = sql ? / WHERE (.*)$/s.exec(sql.sql)![1] : null;
        (idx.unique ? uniques : indexes).push(partialKey(key(cols), where));
      }
      shape.tables[t.name] = { columns, uniques: uniques.sort(), indexes: indexes.sort() };
    }
    return shape;
  } finally {
    conn.close();
  }
}

export async function introspectPostgres(url: string): Promise<DbShape> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const enums = await c.query<{ typname: string; label: string }>(
      `SELECT t.typname, e.enumlabel::text AS label FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid ORDER BY t.typname, e.enumsortorder`,
    );
    const enumValues = new Map<string, string[]>();
    for (const r of enums.rows) enumValues.set(r.typname, [...(enumValues.get(r.typname) ?? []), r.label]);
    const cols = await c.query<{
      table_name: string;
      column_name: string;
      is_nullable: string;
      udt_name: string;
    }>(
      `SELECT table_name, column_name, is_nullable, udt_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_tollgate_migrations'`,
    );
    const shape: DbShape = { tables: {}, search: [] };
    for (const r of cols.rows) {
      shape.tables[r.table_name] ??= { columns: {}, uniques: [], indexes: [] };
      const ev = enumValues.get(r.udt_name);
      shape.tables[r.table_name].columns[r.column_name] = {
        nullable: r.is_nullable === 'YES',
        ...(ev ? { enumValues: ev } : {}),
      };
    }
    const idx = await c.query<{ tablename: string; indexname: string; indexdef: string }>(
      `SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_tollgate_migrations'`,
    );
    for (const r of idx.rows) {
      if (r.indexname.endsWith('_pkey')) continue;
      // A search index is written at once, not through GIN's pending list (migration 0012).
      const trgm =
        /USING gin \(tollgate_fold\("?(\w+)"?\) gin_trgm_ops\)( WITH \(fastupdate='?off'?\))?$/.exec(
          r.indexdef,
        );
      if (trgm) {
        shape.search.push(`${r.tablename}.${trgm[1]}${trgm[2] ? '' : ' (with a pending list)'}`);
        continue;
      }
      const [, cols, where] = /^[^(]*\((.*?)\)(?: WHERE \((.*)\))?$/.exec(r.indexdef)!;
      const colList = cols.split(',').map((s) => s.trim().replace(/"/g, ''));
      (r.indexdef.startsWith('CREATE UNIQUE')
        ? shape.tables[r.tablename].uniques
        : shape.tables[r.tablename].indexes
      ).push(partialKey(key(colList), where ?? null));
    }
    // The search documents of migration 0022 (PostgreSQL only): a table Prisma does not describe,
    // reported with its walk index and with the writes whose triggers keep it current.
    const doc = shape.tables[SEARCH_DOCUMENT];
    if (doc) {
      delete shape.tables[SEARCH_DOCUMENT];
      shape.search.push(
        `${SEARCH_DOCUMENT}(${Object.keys(doc.columns).sort().join(',')}) by ${doc.indexes.join(';')}`,
      );
      const triggers = await c.query<{ t: string; events: string }>(
        `SELECT event_object_table AS t, string_agg(DISTINCT event_manipulation, ',' ORDER BY event_manipulation) AS events
         FROM information_schema.triggers WHERE trigger_schema = 'public' AND trigger_name LIKE '${SEARCH_DOCUMENT}%'
         GROUP BY event_object_table ORDER BY event_object_table`,
      );
      shape.search.push(
        `${SEARCH_DOCUMENT} kept on ${triggers.rows.map((r) => `${r.t} ${r.events}`).join('; ')}`,
      );
    }
    shape.search.sort();
    for (const t of Object.values(shape.tables)) {
      t.uniques.sort();
      t.indexes.sort();
    }
    return shape;
  } finally {
    await c.end();
  }
}
