// Debian's Chromium as every browser this project starts runs it: the e2e suite (playwright.config.ts)
// and the benchmarks (bench/). ENVIRONMENT.md lists the flags that work on these machines.

/**
 * The Chromium binary of the benchmarks (Lighthouse, the page and strength-meter benches, which time
 * what a person's browser does): `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium` (never a
 * downloaded one).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The e2e suite's browser: `CHROMIUM_HEADLESS_SHELL_PATH`, else Debian's headless shell (package
 * `chromium-headless-shell`, built from the same Chromium source as `chromium`; Playwright's own
 * default for headless runs is the same shell). It renders and runs pages as Chromium does but has
 * none of the desktop browser around them. On this 2-core machine (2026-12-02) the 77 journeys took
 * 7.4 min in two workers with the shell (156), 10.2 min with `/usr/bin/chromium` 150 (Chromium's
 * processes: 453 s of CPU against 704 s); on 20 of them, 79 s with the shell and 124–134 s with
 * `/usr/bin/chromium` 156.
 */
export const CHROMIUM_HEADLESS_SHELL_PATH =
  process.env.CHROMIUM_HEADLESS_SHELL_PATH ?? '/usr/lib/chromium/chromium-headless-shell';

/**
 * Launch flags besides headless mode (the launcher adds its own): no sandbox (tests run as root),
 * no GPU, no QUIC, and none of the first-run, background-networking, component-update or sync traffic
 * that would reach for the internet.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
