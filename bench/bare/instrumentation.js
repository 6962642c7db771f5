// The bare app's own instrumentation hook: without it, Next builds the repository's instrumentation.ts
// (Tollgate's start-up checks) into this app, found from the Turbopack root. scripts/serve.mjs, which
// serves this app like the portal, refuses to start without a front door: the bare app's does nothing.
export function register() {
  globalThis[Symbol.for('tollgate.frontDoor')] = () => {};
}
