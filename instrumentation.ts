// Runs once when a server instance starts (Next runs it during `app.prepare()` in scripts/serve.mjs):
// configuration is validated before any request is served, the front door (lib/server/front-door.ts)
// is handed to serve.mjs, and the outbox workers (switch operations, mail) start inside the web process
// unless disabled.
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { env } = await import('@/lib/server/env');
  const config = env(); // throws ConfigError listing every missing or malformed value
  // serve.mjs is plain Node and cannot import TypeScript: it finds the compiled function here.
  const { FRONT_DOOR_KEY, frontDoor } = await import('@/lib/server/front-door');
  (globalThis as Record<symbol, unknown>)[Symbol.for(FRONT_DOOR_KEY)] = frontDoor;
  if (config.TOLLGATE_WORKERS === '1' && process.env.NEXT_PHASE !== 'phase-production-build') {
    const { startWorkers } = await import('@/lib/server/workers');
    startWorkers();
  }
}
