import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { passwordChangedSince } from '@/lib/blocks/rotation';

// DESIGN.md's re-enabling rule, "every SIP credential named in the block's trigger calls has a new
// password set after the block was placed", was written out three times (the rotation policy, the
// block page's `rotatedSinceBlock`, the allowance rule's fraud doors). Now once, in
// lib/blocks/rotation.ts: the credential's `passwordChangedAt` strictly after the block's `createdAt`.

const at = (iso: string) => new Date(iso);
const block = { createdAt: at('2026-12-07T10:00:00.000Z') };

describe('passwordChangedSince', () => {
  it('is true only for a password set strictly after the block reached the portal', () => {
    expect(passwordChangedSince({ passwordChangedAt: at('2026-12-07T10:00:00.001Z') }, block)).toBe(true);
    expect(passwordChangedSince({ passwordChangedAt: at('2026-12-08T09:00:00.000Z') }, block)).toBe(true);
    // The same millisecond is not "after"; nor is a change sent before the block reached the portal.
    expect(passwordChangedSince({ passwordChangedAt: at('2026-12-07T10:00:00.000Z') }, block)).toBe(false);
    expect(passwordChangedSince({ passwordChangedAt: at('2026-12-07T09:59:59.999Z') }, block)).toBe(false);
  });

  it('is false for a password never changed here (or not confirmed by the switch)', () => {
    expect(passwordChangedSince({ passwordChangedAt: null }, block)).toBe(false);
  });

  it('compares with the block’s createdAt (the portal’s clock), never its placedAt (the switch’s)', () => {
    // The switch's clock ran an hour ahead: the block was "placed" at 11:00, reached the portal at 10:00.
    const b = { ...block, placedAt: at('2026-12-07T11:00:00.000Z') };
    expect(passwordChangedSince({ passwordChangedAt: at('2026-12-07T10:30:00.000Z') }, b)).toBe(true);
  });
});

const root = path.resolve(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    if (d.isDirectory()) return d.name === 'generated' ? [] : sources(rel);
    return /\.tsx?$/.test(d.name) ? [rel] : [];
  });
}

describe('one way to say a password was changed since a block', () => {
  it('is not written out again in TypeScript outside lib/blocks/rotation.ts', () => {
    // A comparison of the column in code (`c.passwordChangedAt > b.createdAt`); SQL keeps its own
    // (`s."passwordChangedAt" > o."createdAt"`: the quote comes between the name and the operator).
    const compares = /\bpasswordChangedAt\b!?(\.getTime\(\))?\s*[<>]/;
    const found = [...sources('lib'), ...sources('components'), ...sources('app')]
      .filter((f) => f !== path.join('lib', 'blocks', 'rotation.ts'))
      .filter((f) => compares.test(fs.readFileSync(path.join(root, f), 'utf8')));
    expect(found).toEqual([]);
  });
});
