import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// lib/blocks/queries.ts imported liftedHow from lib/accounts/block-history.ts, which imports
// blockPage and blocksAfterCursor from lib/blocks/queries.ts: a cycle, where which module's bindings
// exist when the other runs depends on which one a page imports first. liftedHow now lives in
// lib/blocks/ended.ts (how a block ended), which both import. This test reads the value imports of
// lib/ (an `import type` is erased, so it makes no cycle) and fails when one of these modules is on
// a cycle again.

const root = path.resolve(import.meta.dirname, '../..');
const WATCHED = [
  'lib/blocks/queries.ts',
  'lib/blocks/ended.ts',
  'lib/blocks/rotation.ts',
  'lib/accounts/block-history.ts',
];

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.posix.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sources(rel);
    return /\.tsx?$/.test(d.name) ? [rel] : [];
  });
}

/** `import … from '…'` and `export … from '…'`, not `import type` / `export type`, and `import '…'`. */
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s+)?['"]([^'"]+)['"]/gm;

/** lib/'s module graph: each file and the lib/ files it imports values from. */
export function importGraph(files: string[], read: (f: string) => string): Map<string, string[]> {
  const known = new Set(files);
  const resolve = (from: string, spec: string) => {
    const base = spec.startsWith('@/')
      ? spec.slice(2)
      : spec.startsWith('.')
        ? path.posix.normalize(path.posix.join(path.posix.dirname(from), spec))
        : null;
    if (base === null) return null;
    return [`${base}.ts`, `${base}.tsx`, `${base}/index.ts`, base].find((c) => known.has(c)) ?? null;
  };
  return new Map(
    files.map((f) => [
      f,
      [...read(f).matchAll(IMPORT)].map((m) => resolve(f, m[1]!)).filter((r): r is string => r !== null),
    ]),
  );
}

/** A path of imports from `start` back to itself ([start, …, start]), or null when there is none. */
export function cycleThrough(graph: Map<string, string[]>, start: string): string[] | null {
  const cameFrom = new Map<string, string>();
  const todo = [start];
  while (todo.length > 0) {
    const at = todo.pop()!;
    for (const next of graph.get(at) ?? []) {
      if (next === start) {
        const back = [at];
        while (back[back.length - 1] !== start) back.push(cameFrom.get(back[back.length - 1]!)!);
        return [...back.reverse(), start];
      }
      if (!cameFrom.has(next)) {
        cameFrom.set(next, at);
        todo.push(next);
      }
    }
  }
  return null;
}

describe('the block modules’ imports', () => {
  it('finds a cycle when there is one (the test can fail)', () => {
    const graph = importGraph(['lib/a.ts', 'lib/b.ts', 'lib/c.ts'], (f) =>
      f === 'lib/a.ts'
        ? "import { b } from './b';\nimport type { C } from '@/lib/c';"
        : f === 'lib/b.ts'
          ? "import { a } from '@/lib/a';"
          : "import { a } from './a';",
    );
    expect(cycleThrough(graph, 'lib/a.ts')).toEqual(['lib/a.ts', 'lib/b.ts', 'lib/a.ts']);
    // c imports a, but a imports only c's type: no cycle through c.
    expect(cycleThrough(graph, 'lib/c.ts')).toBeNull();
  });

  it.each(WATCHED)('put %s on no import cycle', (file) => {
    const graph = importGraph(sources('lib'), (f) => fs.readFileSync(path.join(root, f), 'utf8'));
    expect(graph.has(file)).toBe(true);
    expect(cycleThrough(graph, file)).toBeNull();
  });
});
