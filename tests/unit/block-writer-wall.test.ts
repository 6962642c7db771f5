import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The house rule of issue 10: lib/blocks/lifecycle.ts is the only writer of Block, BlockEvent and
// the switch operations that place, lift or re-apply blocks. The outbox runner may only lease and
// reschedule operations. This test reads the application's source and fails on any other writer.
// lib/blocks/event-sql.ts holds the raw SQL of the lifecycle's switch-event path (issue 14, goal 5):
// it may write those tables because only lib/blocks/lifecycle.ts may import it (checked below).

const root = path.resolve(import.meta.dirname, '../..');
const APP_DIRS = ['app', 'components', 'lib', 'scripts', 'proxy.ts', 'instrumentation.ts'];
const WRITE = '(create|createMany|update|updateMany|upsert|delete|deleteMany)';
const rules: { pattern: RegExp; allowed: string[]; what: string }[] = [
  {
    pattern: new RegExp(`\\.(block|blockEvent|triggerCall)\\.${WRITE}\\b`),
    allowed: ['lib/blocks/lifecycle.ts'],
    what: 'Block / BlockEvent / TriggerCall',
  },
  // lib/allowances/operations.ts writes only its own kinds (allowance_put, allowance_delete; issue 16).
  // lib/server/retention.ts only deletes rows finished (done, failed) past RETENTION_DAYS and under
  // no live lease: it decides nothing about a block, and a pending operation is never its to touch.
  {
    pattern: new RegExp(`\\.switchOperation\\.${WRITE}\\b`),
    allowed: [
      'lib/blocks/lifecycle.ts',
      'lib/switch/outbox.ts',
      'lib/allowances/operations.ts',
      'lib/server/retention.ts',
    ],
    what: 'SwitchOperation',
  },
  {
    pattern: /(INSERT INTO|UPDATE|DELETE FROM)\s+"?(Block|BlockEvent|TriggerCall|SwitchOperation)"?\b/i,
    allowed: ['lib/blocks/event-sql.ts'],
    what: 'raw SQL on block tables',
  },
  {
    pattern: /from\s+['"](@\/lib\/blocks\/|\.\/|\.\.\/blocks\/)event-sql['"]/,
    allowed: ['lib/blocks/lifecycle.ts'],
    what: "through lib/blocks/event-sql.ts (the lifecycle's own SQL)",
  },
];

function files(entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (fs.statSync(full).isFile()) return [entry];
  return fs.readdirSync(full, { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(entry, d.name);
    if (d.isDirectory()) return d.name === 'generated' || d.name === 'node_modules' ? [] : files(rel);
    return /\.(ts|tsx|mjs|js)$/.test(d.name) ? [rel] : [];
  });
}

export function writersOutsideLifecycle(sources: { file: string; text: string }[]): string[] {
  const found: string[] = [];
  for (const { file, text } of sources) {
    for (const rule of rules) {
      if (rule.allowed.includes(file)) continue;
      text.split('\n').forEach((line, i) => {
        if (rule.pattern.test(line)) found.push(`${file}:${i + 1} writes ${rule.what}`);
      });
    }
  }
  return found;
}

describe('block rows have one writer', () => {
  it('no file outside lib/blocks/lifecycle.ts writes blocks, their timeline or block operations', () => {
    const sources = APP_DIRS.flatMap(files).map((file) => ({
      file,
      text: fs.readFileSync(path.join(root, file), 'utf8'),
    }));
    expect(sources.length).toBeGreaterThan(50);
    expect(writersOutsideLifecycle(sources)).toEqual([]);
  });

  it('the check catches a writer elsewhere (so the test above can fail)', () => {
    const bad = [
      {
        file: 'lib/requests/submit.ts',
        text: "await tx.blockEvent.create({ data: { blockId, type: 'request_submitted' } });",
      },
      {
        file: 'lib/switch/outbox.ts',
        text: 'await tx.block.updateMany({ where: {}, data: { status: "lifted" } });',
      },
      { file: 'lib/staff/x.ts', text: 'await tx.switchOperation.create({ data });' },
      { file: 'lib/staff/y.ts', text: 'await tx.$executeRaw`UPDATE "Block" SET "status" = ${s}`;' },
      { file: 'lib/requests/z.ts', text: "import { insertTimeline } from '@/lib/blocks/event-sql';" },
      { file: 'lib/blocks/w.ts', text: "import { insertTimeline } from './event-sql';" },
    ];
    expect(writersOutsideLifecycle(bad)).toHaveLength(6);
  });
});
