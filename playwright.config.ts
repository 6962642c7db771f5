import { defineConfig, devices } from '@playwright/test';
import { E2E } from './e2e/support/env';
import { CHROMIUM_ARGS, CHROMIUM_HEADLESS_SHELL_PATH } from './scripts/chromium';

// e2e runs against the production build (`next build` first; npm test does it) in Debian's Chromium
// headless shell (scripts/chromium.ts: the same engine, without the desktop browser around it).
export default defineConfig({
  testDir: './e2e',
  globalSetup: './e2e/support/global-setup.ts',
  globalTeardown: './e2e/support/global-teardown.ts',
  // Each spec makes its own data (e2e/support/factories.ts) and passes alone, in any order and in any
  // shard; the demo data (CONTRACTS §5) is only read. Tests inside a file marked serial share its setup.
  // Two workers share the one portal, switch and mailbox: files run side by side (a file's tests stay
  // in one worker, in order), switch faults are scoped to the test's own account or credential
  // (setFaults), and TOTP steps are claimed across workers (totpNow). E2E_WORKERS=1 runs one file at a time.
  // Three workers took 6.5 min instead of 7.5 on this 2-core machine in one run, but a fresh-clone CI
  // with three had two journeys time out (e2e/05's busy queue, e2e/09's link sign-in): kept at two.
  fullyParallel: false,
  workers: Number(process.env.E2E_WORKERS ?? 2),
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: process.env.CI ? [['list']] : [['list']],
  use: {
    baseURL: E2E.appUrl,
    // A failed test keeps a screenshot of its end and its error context (the page's ARIA snapshot);
    // outside CI also its trace (actions, DOM snapshots, network, console). The trace's screencast is
    // left out: encoding a frame per paint doubled the runner's CPU (05-staff + 10-sign-in-edges on one
    // worker: 4.4 min with it, 3.2 without). In CI, where the suite's 15 minutes are tight, no trace
    // is recorded: 05-staff alone on one worker took 2.3 min with DOM snapshots, 1.9 min without
    // (one run each, 2026-12-01). `npx playwright test --trace retain-on-failure` brings it back.
    trace: process.env.CI
      ? 'off'
      : { mode: 'retain-on-failure', screenshots: false, snapshots: true, sources: false },
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: CHROMIUM_HEADLESS_SHELL_PATH, args: CHROMIUM_ARGS },
  },
  projects: [{ name: 'desktop', use: { ...devices['Desktop Chrome'], channel: undefined } }],
});
