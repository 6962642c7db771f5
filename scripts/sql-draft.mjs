// Drafts CREATE statements for one model (or all) from the generated datamodel, for both dialects,
// so a new forward-only migration starts from what Prisma expects. Review before committing it:
//   node scripts/sql-draft.mjs [Model ...]
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dm = JSON.parse(fs.readFileSync(path.join(root, 'lib/generated/datamodel.json'), 'utf8'));
const only = process.argv.slice(2);
const q = (s) => `"${s}"`;

function colType(f, dialect) {
  if (f.kind === 'enum') return dialect === 'sqlite' ? 'TEXT' : q(f.type);
  const map = {
    String: 'TEXT',
    Int: 'INTEGER',
    Boolean: 'BOOLEAN',
    DateTime: dialect === 'sqlite' ? 'DATETIME' : 'TIMESTAMP(3)',
  };
  if (!map[f.type]) throw new Error(`unsupported type ${f.type}`);
  return map[f.type];
}

function defaultSql(f, dialect) {
  const d = f.default;
  if (d === undefined || (typeof d === 'object' && d.name !== 'now')) return '';
  if (typeof d === 'object') return ' DEFAULT CURRENT_TIMESTAMP';
  if (typeof d === 'boolean') return dialect === 'sqlite' ? ` DEFAULT ${d ? 1 : 0}` : ` DEFAULT ${d}`;
  if (typeof d === 'number') return ` DEFAULT ${d}`;
  return f.kind === 'enum' && dialect === 'postgresql' ? ` DEFAULT '${d}'` : ` DEFAULT '${d}'`;
}

function model(m, dialect) {
  const lines = m.fields.map((f) => {
    let s = `    ${q(f.name)} ${colType(f, dialect)}${f.isRequired ? ' NOT NULL' : ''}${defaultSql(f, dialect)}`;
    if (f.kind === 'enum' && dialect === 'sqlite') {
      const values = dm.enums
        .find((e) => e.name === f.type)
        .values.map((v) => `'${v}'`)
        .join(', ');
      s += ` CHECK (${q(f.name)} IN (${values}))`;
    }
    return s;
  });
  const pk = m.fields.filter((f) => f.isId).map((f) => f.name);
  if (pk.length) lines.push(`    CONSTRAINT ${q(m.dbName + '_pkey')} PRIMARY KEY (${pk.map(q).join(', ')})`);
  if (dialect === 'sqlite') {
    for (const r of m.relations) {
      lines.push(
        `    CONSTRAINT ${q(`${m.dbName}_${r.fields.join('_')}_fkey`)} FOREIGN KEY (${r.fields.map(q).join(', ')}) REFERENCES ${q(r.model)} (${r.references.map(q).join(', ')}) ON DELETE ${(r.onDelete ?? 'Restrict').toUpperCase()} ON UPDATE CASCADE`,
      );
    }
  }
  const out = [`CREATE TABLE ${q(m.dbName)} (\n${lines.join(',\n')}\n);`];
  for (const idx of dm.indexes.filter((i) => i.model === m.name && i.type !== 'id')) {
    const unique = idx.type === 'unique';
    const name = `${m.dbName}_${idx.fields.join('_')}_${unique ? 'key' : 'idx'}`;
    out.push(
      `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${q(name)} ON ${q(m.dbName)}(${idx.fields.map(q).join(', ')});`,
    );
  }
  if (dialect === 'postgresql') {
    for (const r of m.relations) {
      out.push(
        `ALTER TABLE ${q(m.dbName)} ADD CONSTRAINT ${q(`${m.dbName}_${r.fields.join('_')}_fkey`)} FOREIGN KEY (${r.fields.map(q).join(', ')}) REFERENCES ${q(r.model)}(${r.references.map(q).join(', ')}) ON DELETE ${(r.onDelete ?? 'Restrict').toUpperCase()} ON UPDATE CASCADE;`,
      );
    }
  }
  return out.join('\n');
}

for (const dialect of ['sqlite', 'postgresql']) {
  const models = dm.models.filter((m) => only.length === 0 || only.includes(m.name));
  let sql = `-- ${dialect}\n`;
  if (dialect === 'postgresql' && only.length === 0) {
    sql +=
      dm.enums
        .map((e) => `CREATE TYPE ${q(e.name)} AS ENUM (${e.values.map((v) => `'${v}'`).join(', ')});`)
        .join('\n') + '\n';
  }
  // PostgreSQL adds foreign keys after every table exists; SQLite declares them inline (checked lazily).
  const creates = models.map((m) => model(m, dialect));
  if (dialect === 'postgresql') {
    const [tables, fks] = [[], []];
    for (const c of creates)
      for (const line of c
        .split('\n;')
        .join(';\n')
        .split(/\n(?=CREATE|ALTER)/))
        (line.startsWith('ALTER') ? fks : tables).push(line);
    sql += tables.join('\n') + '\n' + fks.join('\n') + '\n';
  } else sql += creates.join('\n') + '\n';
  process.stdout.write(sql + '\n');
}
