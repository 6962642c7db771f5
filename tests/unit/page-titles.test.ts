import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import en from '@/messages/en.json';
import es from '@/messages/es.json';

// WCAG 2.2 SC 2.4.2 (Page Titled): every page's <title> says what the page is (lib/i18n/page-title.ts).
// Until 2026-12-04 only the sign-in pages and the dev mailbox had one; every other page, the block
// page, the reset page, the staff queue and each request, was "Tollgate", so an agent with a few
// tabs open, or a screen reader's first words, could not tell them apart.

const APP = path.resolve('app');
const pages = (dir: string): string[] =>
  fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? pages(p) : e.name === 'page.tsx' ? [p] : [];
  });

const lookup = (tree: unknown, key: string): unknown =>
  key.split('.').reduce<unknown>((t, k) => (t && typeof t === 'object' ? (t as never)[k] : undefined), tree);

describe('page titles', () => {
  it('every page sets its own title', () => {
    const untitled = pages(APP)
      .filter((p) => !/export (async function|const) generateMetadata\b/.test(fs.readFileSync(p, 'utf8')))
      .map((p) => path.relative(APP, p));
    expect(untitled).toEqual([]);
  });

  it('every title named by pageTitle or blockPageTitle is in both catalogues', () => {
    const keys = pages(APP).flatMap((p) =>
      [...fs.readFileSync(p, 'utf8').matchAll(/(?:pageTitle\(|blockPageTitle\(params, )'([^']+)'/g)].map(
        (m) => m[1]!,
      ),
    );
    expect(keys.length).toBeGreaterThan(10);
    expect(keys).toEqual(
      expect.arrayContaining(['app.meta.block', 'unblock.misdial.title', 'app.meta.request']),
    );
    const missing = keys.filter(
      (k) => typeof lookup(en, k) !== 'string' || typeof lookup(es, k) !== 'string',
    );
    expect(missing).toEqual([]);
  });
});
