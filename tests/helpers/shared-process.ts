import { vi } from 'vitest';

/**
 * Setup for the `shared` project of vitest.config.ts, whose test files run one after another in the
 * same worker process (`isolate: false`) instead of one process each: starting a process and importing
 * Next, React, Prisma and the rest again for each of ~80 files was about a quarter of the suite's time.
 *
 * So that each file still starts from what a fresh process gives it, this runs before each file:
 * - `process.env` is put back as it was when the worker started (files point SWITCH_API_URL,
 *   DATABASE_URL, SMTP_URL… at their own servers and databases);
 * - the process-wide singletons the app keeps on `globalThis` are dropped (the Prisma client is
 *   disconnected and the password-scoring thread pool destroyed first; the log, metrics and workers
 *   state), since a module reset does not reach them;
 * - `vi.resetModules()` empties the module registry, so every module of the project (lib/, and with it
 *   each cache a module keeps: the validated environment, the switch and mail clients, rate limiters)
 *   is evaluated again for the file. Packages from node_modules stay loaded: that is the saving.
 * Files that mock modules (`vi.mock`) or depend on a module mocked by a helper stay in the `isolated`
 * project, one process each.
 */
type Shared = {
  __tollgateEnvAtStart?: Record<string, string | undefined>;
  tollgateDb?: { $disconnect(): Promise<void> };
  __tollgatePasswordPool?: { destroy(): Promise<void> };
  __tollgateLog?: unknown;
  __tollgateMetrics?: unknown;
  __tollgateSwitchCalls?: unknown;
  __tollgateWorkers?: unknown;
  __tollgateClock?: unknown;
  __tollgateMailServer?: unknown;
  __tollgateMailProbe?: unknown;
  __tollgateSwitchQuiet?: unknown;
  __tollgateSwitchOutboxRuns?: unknown;
};
const g = globalThis as unknown as Shared;

if (!g.__tollgateEnvAtStart) {
  g.__tollgateEnvAtStart = { ...process.env };
} else {
  const start = g.__tollgateEnvAtStart;
  for (const k of Object.keys(process.env)) if (!(k in start)) delete process.env[k];
  for (const [k, v] of Object.entries(start)) if (v !== undefined) process.env[k] = v;
}
await g.tollgateDb?.$disconnect().catch(() => undefined);
await g.__tollgatePasswordPool?.destroy().catch(() => undefined);
for (const k of [
  'tollgateDb',
  '__tollgatePasswordPool',
  '__tollgateLog',
  '__tollgateMetrics',
  '__tollgateSwitchCalls',
  '__tollgateWorkers',
  '__tollgateClock',
  '__tollgateMailServer',
  '__tollgateMailProbe',
  '__tollgateSwitchQuiet',
  '__tollgateSwitchOutboxRuns',
] as const)
  delete g[k];
vi.resetModules();
