import type { Instrumentation } from 'next';

/** Where scripts/serve.mjs leaves its .env warnings for register (one process, apart bundles). */
const DOTENV_WARNINGS = Symbol.for('tollgate.dotenvWarnings');

// Runs once when a server instance starts: configuration is validated before any request is served,
// and the outbox workers (switch operations, mail) start inside the web process unless disabled.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { ConfigError, configWarnings, env } = await import('@/lib/server/env');
  // .env lines scripts/serve.mjs found cut short at a "#" (scripts/lib/dotenv.mjs), each led by its
  // variable's name: said here, beside a refusal they may explain, or with the warnings below.
  const dotenvWarnings = (globalThis as { [DOTENV_WARNINGS]?: string[] })[DOTENV_WARNINGS] ?? [];
  let config: ReturnType<typeof env>;
  try {
    config = env(); // throws ConfigError listing every missing or malformed value
  } catch (e) {
    // Next logs an error thrown here as "Failed to prepare server" and serves every request an error
    // page; a server run without `npm start`'s own check (`node scripts/serve.mjs` as a container's
    // command) would so listen with a bad secret. It stops instead, naming each problem, as npm start does.
    if (e instanceof ConfigError && process.env.NEXT_PHASE !== 'phase-production-build') {
      for (const warning of dotenvWarnings) console.error(`warning: ${warning}`);
      console.error(
        `${e.message}\nSet these in the environment and start again. See README, "Configuration".`,
      );
      process.exit(1);
    }
    throw e;
  }
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  // What the operator should mend without the start being refused (lib/server/env.ts configWarnings).
  const { smtpUrlRisks } = await import('@/lib/mail/transport');
  const { errorForLog, log } = await import('@/lib/server/log');
  for (const warning of [...dotenvWarnings, ...configWarnings(config, smtpUrlRisks)])
    log().warn({ variable: warning.split(':')[0] }, warning);
  // This instance's clock against the database's, with or without workers (lib/server/clock.ts).
  const { startClockCheck } = await import('@/lib/server/clock');
  void startClockCheck();
  // The password-scoring thread loads zxcvbn's dictionaries now, not in the first customer's check.
  const { startScoring } = await import('@/lib/passwords/check');
  startScoring().catch((e: unknown) =>
    log().error({ err: errorForLog(e) }, 'the password-scoring thread did not start'),
  );
  if (config.TOLLGATE_WORKERS === '1') {
    const { startWorkers } = await import('@/lib/server/workers');
    startWorkers();
  }
}

/**
 * Next.js calls this for every request that failed where nothing caught it (a page's render, a route
 * handler, an action outside userAction): one structured `"msg":"request failed"` line carrying the
 * reference the error page shows (lib/server/request-error.ts).
 */
export async function onRequestError(...args: Parameters<Instrumentation.onRequestError>) {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { logRequestError } = await import('@/lib/server/request-error');
  await logRequestError(...args);
}
