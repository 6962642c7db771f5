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
    const mocks = (f: string) => /\bvi\.(mock|doMock)\(/.test(fs.readFileSync(f, 'utf8'));
    const mockingHelpers = files.filter((f) => !f.endsWith('.test.ts') && mocks(f));
    expect(mockingHelpers.length).toBeGreaterThan(0);
    const needs = files.filter(
      (f) =>
        f.endsWith('.test.ts') &&
        (mocks(f) ||
          mockingHelpers.some((h) =>
            fs.readFileSync(f, 'utf8').includes(`@/tests/helpers/${path.basename(h, '.ts')}'`),
          )),
    );
    expect(needs.filter((f) => !ISOLATED.includes(f))).toEqual([]);
    expect(ISOLATED.filter((f) => !fs.existsSync(f))).toEqual([]);
  });
});
