import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import base from '../playwright.config';

// The journeys in reverse file order, on one database, to show that none relies on what an earlier
// file did: `npx playwright test -c e2e/reverse.config.ts`. Playwright orders files by name whatever
// the command line says, so each file is a project that depends on the one after it.
const files = fs
  .readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.spec.ts'))
  .sort()
  .reverse();

export default defineConfig({
  ...base,
  testDir: '.',
  outputDir: path.join(import.meta.dirname, '../test-results'),
  globalSetup: './support/global-setup.ts',
  globalTeardown: './support/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  projects: files.map((file, i) => ({
    name: file,
    testMatch: file,
    use: base.projects![0].use,
    dependencies: i ? [files[i - 1]] : [],
  })),
});
