import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BLOCK_CLIENT_NAMESPACES } from '@/lib/i18n/client-messages';

// app/blocks/layout.tsx sends the browser only BLOCK_CLIENT_NAMESPACES of the catalogue. A client
// component under /blocks that reads another namespace would show its keys instead of words, so this
// walks the imports of every page under app/blocks (the project's own modules) and reads the
// namespaces their client components ask useTranslations for.

const ROOT = path.resolve(import.meta.dirname, '../..');

function resolve(from: string, spec: string): string | null {
  const base = spec.startsWith('@/')
    ? path.join(ROOT, spec.slice(2))
    : spec.startsWith('.')
      ? path.resolve(path.dirname(from), spec)
      : null;
  if (!base) return null;
  for (const ext of ['', '.ts', '.tsx', '/index.ts', '/index.tsx']) {
    const p = base + ext;
    if (fs.existsSync(p) && fs.statSync(p).isFile()) return p;
  }
  return null;
}

/** Every project module reachable by static imports from `entries`. */
function reachable(entries: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file) || file.includes(`${path.sep}lib${path.sep}generated${path.sep}`)) continue;
    seen.add(file);
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      const next = resolve(file, m[1]!);
      if (next) todo.push(next);
    }
  }
  return [...seen];
}

function pagesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pagesUnder(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

describe('the catalogue the /blocks segment sends to the browser', () => {
  it('holds every namespace its client components read', () => {
    const files = reachable(pagesUnder(path.join(ROOT, 'app/blocks')));
    const clients = files.filter((f) => /^\s*['"]use client['"]/.test(fs.readFileSync(f, 'utf8')));
    expect(clients.length).toBeGreaterThan(0);
    const read: string[] = [];
    for (const f of clients) {
      const src = fs.readFileSync(f, 'utf8');
      for (const m of src.matchAll(/useTranslations\(\s*(?:['"]([^'"]*)['"])?\s*\)/g))
        read.push(`${path.relative(ROOT, f)}: ${m[1] ?? '(whole catalogue)'}`);
    }
    expect(read.length).toBeGreaterThan(0);
    const outside = read.filter((r) => {
      const ns = r.split(': ')[1]!;
      return !(BLOCK_CLIENT_NAMESPACES as readonly string[]).includes(ns.split('.')[0]!);
    });
    expect(outside).toEqual([]);
  });
});
