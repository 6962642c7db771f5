import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_CLIENT_NAMESPACES,
  CREDENTIALS_CLIENT_NAMESPACES,
  PROFILE_CLIENT_NAMESPACES,
  SECURITY_CLIENT_NAMESPACES,
  STAFF_CLIENT_NAMESPACES,
} from '@/lib/i18n/client-messages';

// A segment's layout sends the browser only some namespaces of the catalogue. A client component under
// that segment that reads another namespace would show its keys instead of words (next-intl's fallback
// is the key's path), so for each segment this walks the imports of every file under it (the
// project's own modules), takes the client modules (a 'use client' file and everything it imports),
// and reads which namespaces they translate: `useTranslations('ns…')`, and for a translator of the
// whole catalogue (`useTranslations()`) the keys it is called with and the keys of the notes
// (`{ key: 'ns.…' }`) the client modules, and the Web Workers they start, can hand it.

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The segments that send part of the catalogue (the folder, the constant its layout names, the
 * constant), and /sign-in, which sends none: its client components must read nothing.
 */
const SEGMENTS: [dir: string, constant: string | null, namespaces: readonly string[]][] = [
  ['app/blocks', 'BLOCK_CLIENT_NAMESPACES', BLOCK_CLIENT_NAMESPACES],
  ['app/sign-in', null, []],
  ['app/credentials', 'CREDENTIALS_CLIENT_NAMESPACES', CREDENTIALS_CLIENT_NAMESPACES],
  ['app/profile', 'PROFILE_CLIENT_NAMESPACES', PROFILE_CLIENT_NAMESPACES],
  ['app/security', 'SECURITY_CLIENT_NAMESPACES', SECURITY_CLIENT_NAMESPACES],
  ['app/staff', 'STAFF_CLIENT_NAMESPACES', STAFF_CLIENT_NAMESPACES],
];

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

const read = (file: string) => fs.readFileSync(file, 'utf8');
/** `file` without its comments (what the docstrings say about useTranslations is not a read). */
const code = (file: string) =>
  read(file)
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');

/**
 * The project modules `file` brings into its bundle: its static imports (not `import type`), and the
 * Web Workers it starts from a URL. A 'use server' module is a reference in the browser: nothing it
 * imports is sent, so it ends the walk.
 */
function importsOf(file: string): string[] {
  const src = read(file);
  if (/^\s*['"]use server['"]/.test(src)) return [];
  const specs = [
    ...[...src.matchAll(/(?:import|export)(?!\s+type\b)[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!),
    ...[...src.matchAll(/new\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url/g)].map((m) => m[1]!),
  ];
  return specs.map((s) => resolve(file, s)).filter((f): f is string => f !== null);
}

/** Every project module reachable from `entries` (`entries` included). */
function reachable(entries: string[]): string[] {
  const seen = new Set<string>();
  const todo = [...entries];
  while (todo.length) {
    const file = todo.pop()!;
    if (seen.has(file) || file.includes(`${path.sep}lib${path.sep}generated${path.sep}`)) continue;
    seen.add(file);
    todo.push(...importsOf(file));
  }
  return [...seen];
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** The namespace (first path segment) of a key, or null for a word that is not a catalogue path. */
const namespaceOf = (key: string) => (key.includes('.') ? key.split('.')[0]! : null);

/**
 * What the client modules under `dir` read, as `file: namespace` lines (a file that reads the whole
 * catalogue lists the namespaces of the literal keys and note keys it can be given).
 */
function clientReads(dir: string): { clients: string[]; reads: string[] } {
  const files = reachable(filesUnder(path.join(ROOT, dir)));
  const boundaries = files.filter((f) => /^\s*['"]use client['"]/.test(read(f)));
  const clients = reachable(boundaries);
  const reads: string[] = [];
  const noteKeys = new Set<string>();
  for (const f of clients) {
    const src = code(f);
    for (const m of src.matchAll(/\{\s*key:\s*['"`]([^'"`$]+)/g)) noteKeys.add(m[1]!);
  }
  for (const f of clients) {
    const src = code(f);
    const rel = path.relative(ROOT, f);
    for (const m of src.matchAll(
      /(?:const|let)\s+(\w+)\s*=\s*useTranslations\(\s*(?:['"]([^'"]*)['"])?\s*\)/g,
    )) {
      const [, name, ns] = m;
      if (ns !== undefined) {
        reads.push(`${rel}: ${ns.split('.')[0]}`);
        continue;
      }
      // The whole catalogue: what this translator is called with here, and every note it may word.
      const keys = [
        ...src.matchAll(new RegExp(`\\b${name}(?:\\.rich|\\.markup)?\\(\\s*['"\`]([^'"\`$]+)`, 'g')),
      ];
      const namespaces = new Set(
        [...keys.map((k) => k[1]!), ...noteKeys].map(namespaceOf).filter((n): n is string => n !== null),
      );
      expect(namespaces.size, `${rel} reads the whole catalogue: found no key`).toBeGreaterThan(0);
      for (const n of namespaces) reads.push(`${rel}: ${n}`);
    }
    expect(
      src.replace(/(?:const|let)\s+\w+\s*=\s*useTranslations\(/g, '').match(/useTranslations\(/g),
      `${rel}: a useTranslations() this test cannot follow (not assigned to a name)`,
    ).toBeNull();
  }
  return { clients, reads: [...new Set(reads)] };
}

describe('the catalogue each segment sends to the browser', () => {
  it.each(SEGMENTS)('%s holds every namespace its client components read', (dir, constant, namespaces) => {
    const { clients, reads } = clientReads(dir);
    expect(clients.length).toBeGreaterThan(0);
    if (constant) {
      expect(read(path.join(ROOT, dir, 'layout.tsx'))).toContain(constant);
      expect(reads.length).toBeGreaterThan(0);
    }
    expect(reads.filter((r) => !namespaces.includes(r.split(': ')[1]!))).toEqual([]);
  });

  it('follows the reset form to the notes its meter words (password.*, strength.*)', () => {
    const { reads } = clientReads('app/credentials');
    expect(reads).toEqual(
      expect.arrayContaining([
        'components/sip/reset-form.tsx: reset',
        'components/sip/strength-meter.tsx: password',
        'components/sip/strength-meter.tsx: strength',
      ]),
    );
  });
});
