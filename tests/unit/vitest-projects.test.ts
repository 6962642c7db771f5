import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ISOLATED } from '@/vitest.config';

// vitest.config.ts runs most files in shared worker processes (tests/helpers/shared-process.ts). A
// module mock does not stay inside the file that made it there, so every file that mocks, or imports a
// helper that mocks, must be listed in ISOLATED.
function testFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? testFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('vitest projects', () => {
  it('isolates every test file that mocks a module, itself or through a helper', () => {
    const files = testFiles('tests');
    // The code without its comments (which may name vi.mock, as this file's do).
    const code = (f: string) =>
      fs
        .readFileSync(f, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/(^|[^:])\/\/.*$/gm, '$1');
    const text = new Map(files.map((f) => [f, code(f)]));
    // vi.mock / vi.doMock, with or without a type argument (`vi.mock<typeof import('x')>(…)`).
    const mocksItself = (f: string) => /\bvi\.(mock|doMock)\b/.test(text.get(f)!);
    // Whether `f` imports the helper `h`, by the @/ alias or a relative path, in either quotes.
    const imports = (f: string, h: string) =>
      new RegExp(`from\\s+['"][^'"]*/${path.basename(h, '.ts')}(\\.ts)?['"]`).test(text.get(f)!);
    // Helpers that mock, directly or through another helper they import.
    const helpers = files.filter((f) => !f.endsWith('.test.ts'));
    const mocking = new Set(helpers.filter(mocksItself));
    for (let grew = true; grew;) {
      grew = false;
      for (const h of helpers)
        if (!mocking.has(h) && [...mocking].some((m) => imports(h, m))) grew = !!mocking.add(h);
    }
    expect(mocking.size).toBeGreaterThan(0);
    const needs = files.filter(
      (f) => f.endsWith('.test.ts') && (mocksItself(f) || [...mocking].some((h) => imports(f, h))),
    );
    expect(needs.filter((f) => !ISOLATED.includes(f))).toEqual([]);
    expect(ISOLATED.filter((f) => !fs.existsSync(f))).toEqual([]);
  });
});
