import { vi } from 'vitest';

// For tests of actions that end a session ("sign out everywhere"): Auth.js's signOut clears the
// cookie of the request, which exists only inside one; here it does nothing, and the Session rows the
// action deletes are what the test reads. Import this module before the actions (they are loaded with
// `await import(...)` after it).
vi.mock('@/lib/auth/config', async (importOriginal) => ({
  ...(await importOriginal<object>()),
  signOut: async () => undefined,
}));
