import path from 'node:path';
import { defineConfig } from 'vitest/config';
import SlowFirstSequencer from './tests/helpers/slow-first-sequencer.ts';

/**
 * Test files that run in a process of their own (`isolate: true`): those that mock a module with
 * `vi.mock` (a mock lives in the module registry's mocker, which a reset between files does not
 * undo), those that import a helper which does (tests/helpers/action-edge.ts, browser-edge.ts), and
 * readiness.test.ts, which starts the background workers' timers. Every other file runs in the
 * `shared` project: one process per worker, reset between files by tests/helpers/shared-process.ts.
 * tests/unit/vitest-projects.test.ts fails when a file that mocks is missing here.
 */
export const ISOLATED = [
  'tests/integration/auth-outcomes.test.ts',
  'tests/integration/customer-logins.test.ts',
  'tests/integration/session-ended.test.ts',
  'tests/integration/guest-outage.test.ts',
  'tests/integration/half-signed-in.test.ts',
  'tests/integration/link-binding-per-link.test.ts',
  'tests/integration/mail-language.test.ts',
  'tests/integration/mail-links.test.ts',
  'tests/integration/mail-revocation-race.test.ts',
  'tests/integration/password-change-limit.test.ts',
  'tests/integration/password-forms-post.test.ts',
  'tests/integration/profile-actions.test.ts',
  'tests/integration/readiness.test.ts',
  'tests/integration/request-race.test.ts',
  'tests/integration/resend-once.test.ts',
  'tests/integration/safe-action.test.ts',
  'tests/integration/sign-in-audit-trail.test.ts',
  'tests/integration/sign-in-lockout.test.ts',
  'tests/integration/sign-in-pending-one-reading.test.ts',
  'tests/integration/sign-in-time-zone.test.ts',
  'tests/integration/staff-login-security.test.ts',
  'tests/integration/staff-outcome.test.ts',
  'tests/integration/take-next-once.test.ts',
  'tests/integration/take-next-raced.test.ts',
  'tests/integration/user-lock-order.test.ts',
  'tests/switch/client-contract.test.ts',
  'tests/switch/client-faults.test.ts',
  'tests/switch/client-unit.test.ts',
  'tests/unit/action-arguments.test.ts',
  'tests/unit/password-check-thread.test.ts',
  'tests/unit/session-token.test.ts',
  'tests/unit/time-zone-capture.test.ts',
];

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Outside Next's react-server graph, 'server-only' throws on import; tests exercise server code directly.
      'server-only': path.resolve(import.meta.dirname, 'tests/helpers/empty.ts'),
    },
  },
  test: {
    // next-auth's ESM imports 'next/server' without an extension, which plain Node cannot resolve: let Vite load it.
    server: { deps: { inline: ['next-auth'] } },
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    fileParallelism: true,
    maxWorkers: 2,
    // The longest files first, so the two workers end together (tests/helpers/slow-first-sequencer.ts).
    sequence: { sequencer: SlowFirstSequencer },
    projects: [
      {
        extends: true,
        test: { name: 'isolated', include: ISOLATED, setupFiles: ['tests/helpers/setup.ts'] },
      },
      {
        extends: true,
        test: {
          name: 'shared',
          include: ['tests/**/*.test.ts'],
          exclude: ISOLATED,
          isolate: false,
          setupFiles: ['tests/helpers/setup.ts', 'tests/helpers/shared-process.ts'],
        },
      },
    ],
  },
});
