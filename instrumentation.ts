// Runs once when a server instance starts: configuration is validated before any request is served,
// and the outbox workers (switch operations, mail) start inside the web process unless disabled.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('@/lib/server/env');
  const config = env(); // throws ConfigError listing every missing or malformed value
  if (process.env.NEXT_PHASE === 'phase-production-build') return;
  // This instance's clock against the database's, with or without workers (lib/server/clock.ts).
  const { startClockCheck } = await import('@/lib/server/clock');
  void startClockCheck();
  if (config.TOLLGATE_WORKERS === '1') {
    const { startWorkers } = await import('@/lib/server/workers');
    startWorkers();
  }
}
