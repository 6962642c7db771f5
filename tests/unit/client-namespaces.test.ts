import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BLOCK_CLIENT_NAMESPACES,
  CREDENTIALS_CLIENT_NAMESPACES,
  PROFILE_CLIENT_NAMESPACES,
  SECURITY_CLIENT_NAMESPACES,
  pickMessages,
  STAFF_CLIENT_NAMESPACES,
  STAFF_QUEUE_CLIENT_NAMESPACES,
} from '@/lib/i18n/client-messages';

// A segment sends the browser only some namespaces of the catalogue (its layout's provider, or, on the
// reset page, the messages the SIP password form is handed). A client component under that segment
// that reads another namespace would show its keys instead of words (next-intl's fallback is the
// key's path), so for each segment this walks the imports of every file under it (the project's own
// modules), takes the client modules (a 'use client' file and everything it imports, the Web Workers
// they start included), and reads which namespaces they translate (clientReads below).

const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * The segments that send part of the catalogue (the folder or page, the constant a file of it names,
 * the constant), and /sign-in and the audit log, which send none: their client components must read
 * nothing.
 */
const SEGMENTS: [dir: string, constant: string | null, namespaces: readonly string[]][] = [
  ['app/blocks', 'BLOCK_CLIENT_NAMESPACES', BLOCK_CLIENT_NAMESPACES],
  ['app/sign-in', null, []],
  ['app/credentials', 'CREDENTIALS_CLIENT_NAMESPACES', CREDENTIALS_CLIENT_NAMESPACES],
  ['app/profile', 'PROFILE_CLIENT_NAMESPACES', PROFILE_CLIENT_NAMESPACES],
  ['app/security', 'SECURITY_CLIENT_NAMESPACES', SECURITY_CLIENT_NAMESPACES],
  // The staff pages with forms send their parts of `staff`; the queue only `staff.sync` (around its
  // sync issues), and the audit log none: its filter form translates nothing in the browser.
  ['app/staff/requests', 'STAFF_CLIENT_NAMESPACES', STAFF_CLIENT_NAMESPACES],
  ['app/staff/accounts', 'STAFF_CLIENT_NAMESPACES', STAFF_CLIENT_NAMESPACES],
  ['app/staff/users', 'STAFF_CLIENT_NAMESPACES', STAFF_CLIENT_NAMESPACES],
  ['app/staff/page.tsx', 'STAFF_QUEUE_CLIENT_NAMESPACES', STAFF_QUEUE_CLIENT_NAMESPACES],
  ['app/staff/audit', null, []],
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

/** The .ts/.tsx files under `dir`, or `dir` itself when it is a file (one page of a segment). */
function filesUnder(dir: string): string[] {
  if (fs.statSync(dir).isFile()) return [dir];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p) : /\.(ts|tsx)$/.test(e.name) ? [p] : [];
  });
}

/** The catalogue's namespaces (messages/en.json's top-level keys). */
const CATALOGUE = new Set(Object.keys(JSON.parse(read(path.join(ROOT, 'messages/en.json'))) as object));

/** The namespace (first path segment) of a key, or null for a word that is not a catalogue path. */
const namespaceOf = (key: string) =>
  key.includes('.') && CATALOGUE.has(key.split('.')[0]!) ? key.split('.')[0]! : null;

/**
 * What the client modules under `dir` read, as `file: namespace` lines. `useTranslations('ns…')`
 * reads `ns`. A module that translates with a translator of the whole catalogue (`useTranslations()`,
 * `useLazyTranslator(…)`, or one handed to it as a `Translate`) reads the namespaces of the catalogue
 * keys it calls a translator with, and of every note key (`{ key: 'ns.…' }`) in the segment's client
 * modules and the workers they start, since those notes are what it words.
 */
function clientReads(dir: string): { clients: string[]; reads: string[] } {
  const files = reachable(filesUnder(path.join(ROOT, dir)));
  const boundaries = files.filter((f) => /^\s*['"]use client['"]/.test(read(f)));
  const clients = reachable(boundaries);
  const reads: string[] = [];
  const noteKeys = new Set<string>();
  for (const f of clients)
    for (const m of code(f).matchAll(/\{\s*key:\s*['"`]([^'"`$]+)/g)) noteKeys.add(m[1]!);
  for (const f of clients) {
    const src = code(f);
    const rel = path.relative(ROOT, f);
    for (const m of src.matchAll(/useTranslations\(\s*['"]([^'"]*)['"]\s*\)/g))
      reads.push(`${rel}: ${m[1]!}`);
    if (!/useTranslations\(\s*\)|useLazyTranslator\(|\bTranslate\b/.test(src)) continue;
    const called = [...src.matchAll(/\b\w+!?(?:\.rich|\.markup)?\(\s*['"`]([^'"`$]+)/g)].map((k) => k[1]!);
    const namespaces = new Set(
      [...called, ...noteKeys].map(namespaceOf).filter((n): n is string => n !== null),
    );
    for (const n of namespaces) reads.push(`${rel}: ${n}`);
  }
  expect(
    clients.filter((f) => /useTranslations\(\s*[^'")\s]/.test(code(f))),
    'a useTranslations() with a namespace this test cannot read',
  ).toEqual([]);
  return { clients, reads: [...new Set(reads)] };
}

/** Whether a read of `path` (a namespace, or a dotted path into one) is inside one of `sent`. */
const covered = (path: string, sent: readonly string[]) =>
  sent.some((n) => path === n || path.startsWith(`${n}.`));

describe('the catalogue each segment sends to the browser', () => {
  it.each(SEGMENTS)('%s holds every namespace its client components read', (dir, constant, namespaces) => {
    const { clients, reads } = clientReads(dir);
    expect(clients.length).toBeGreaterThan(0);
    if (constant) {
      expect(filesUnder(path.join(ROOT, dir)).some((f) => read(f).includes(constant))).toBe(true);
      expect(reads.length).toBeGreaterThan(0);
    }
    expect(reads.filter((r) => !covered(r.split(': ')[1]!, namespaces))).toEqual([]);
  });

  it('follows the reset form to the notes its meter words (password.*, strength.*)', () => {
    const { reads } = clientReads('app/credentials');
    expect(reads).toEqual(
      expect.arrayContaining([
        'components/sip/reset-form.tsx: password',
        'components/sip/reset-form.tsx: strength',
        'components/sip/strength-meter.tsx: password',
        'components/sip/strength-meter.tsx: strength',
      ]),
    );
  });

  it('/sign-in and /credentials render no next-intl provider (no message formatter in their first load)', () => {
    for (const dir of ['app/sign-in', 'app/credentials'])
      for (const f of filesUnder(path.join(ROOT, dir)))
        expect(read(f), path.relative(ROOT, f)).not.toMatch(/ClientMessages|NextIntlClientProvider/);
  });
});

describe('pickMessages', () => {
  const all = {
    staff: { title: 'Staff', decision: { approve: 'Approve', deny: 'Deny' }, sync: { note: 'Note' } },
    unblock: { title: 'Unblock' },
    reset: { title: 'Reset' },
  };

  it('keeps whole namespaces and dotted paths at their place in the tree', () => {
    expect(pickMessages(all, ['unblock', 'staff.decision', 'staff.sync'])).toEqual({
      unblock: { title: 'Unblock' },
      staff: { decision: { approve: 'Approve', deny: 'Deny' }, sync: { note: 'Note' } },
    });
  });

  it('leaves out paths the catalogue does not have, and does not touch the catalogue', () => {
    const before = structuredClone(all);
    expect(pickMessages(all, ['staff.nothing', 'nothing', 'staff.title.deeper'])).toEqual({});
    expect(all).toEqual(before);
  });

  it('sends the staff console only the parts of `staff` its client forms read', () => {
    const en = JSON.parse(read(path.join(ROOT, 'messages/en.json'))) as Record<string, unknown>;
    const sent = JSON.stringify(pickMessages(en as never, STAFF_CLIENT_NAMESPACES)).length;
    expect(sent).toBeLessThan(JSON.stringify(en.staff).length / 2);
  });
});
