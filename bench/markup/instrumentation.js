// The markup fixture's own (empty) instrumentation hook: without it, Next builds the repository's
// instrumentation.ts (Tollgate's start-up checks) into this app, found from the Turbopack root.
export function register() {}
