// Generates the Prisma clients offline (ENVIRONMENT.md: the CLI cannot download its schema engine here).
// prisma/schema.prisma is the single source; the PostgreSQL client is generated from a derived copy
// that differs only in provider and output path.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const src = fs.readFileSync(path.join(root, 'prisma/schema.prisma'), 'utf8');
const genDir = path.join(root, 'lib/generated');
fs.mkdirSync(genDir, { recursive: true });

const pg = src
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace('output       = "../lib/generated/sqlite"', 'output       = "./postgresql"')
  .replace(/generator datamodel \{[^}]*\}/, '');
if (pg === src || !pg.includes('"postgresql"') || !pg.includes('"./postgresql"')) {
  throw new Error(
    'prisma-generate: could not derive the PostgreSQL schema; update scripts/prisma-generate.mjs',
  );
}
const pgSchema = path.join(genDir, 'schema.postgresql.prisma');
fs.writeFileSync(
  pgSchema,
  '// GENERATED from prisma/schema.prisma by scripts/prisma-generate.mjs: do not edit\n' + pg,
);

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: '/bin/false',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const prisma = path.join(root, 'node_modules/.bin/prisma');
for (const schema of [path.join(root, 'prisma/schema.prisma'), pgSchema]) {
  execFileSync(prisma, ['generate', '--schema', schema], {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}
console.log('prisma-generate: SQLite and PostgreSQL clients generated in lib/generated/');
