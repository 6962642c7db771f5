import { afterEach, beforeEach, vi } from 'vitest';

// A test fails when the code logs an unexpected console.error (Epic Stack's habit).
// Tests that expect one call `allowConsoleError()` first.
let allowed = false;
export function allowConsoleError() {
  allowed = true;
}

beforeEach(() => {
  allowed = false;
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    if (!allowed) throw new Error(`Unexpected console.error: ${args.map(String).join(' ')}`);
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

process.env.AUTH_SECRET ??= 'test-secret-test-secret-test-secret-0123456789';
process.env.APP_URL ??= 'http://localhost:3000';
process.env.SWITCH_API_URL ??= 'http://127.0.0.1:9';
process.env.SWITCH_API_TOKEN ??= 'test-switch-token-0123456789';
process.env.SWITCH_WEBHOOK_SECRET ??= 'test-webhook-secret-0123456789-0123456789';
