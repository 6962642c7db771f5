// Debian's Chromium as every browser this project starts runs it: the e2e suite (playwright.config.ts)
// and the benchmarks (bench/). ENVIRONMENT.md lists the flags that work on these machines.

/** The Chromium binary: `CHROMIUM_PATH`, else Debian's `/usr/bin/chromium` (never a downloaded one). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
