// A complete, valid configuration (CONTRACTS §2; lib/server/env.ts parseEnv) for tests that need one:
// parseEnv's own tests start from it, and a test that calls code reading env() stubs it in whole,
// because env() validates every variable at once, never just the one a test is about.

/** Every required variable, with values parseEnv accepts (a production-shaped set: SMTP_URL too). */
export const VALID_ENV = {
  DATABASE_URL: 'file:./data/t.db',
  APP_URL: 'https://portal.example.com',
  AUTH_SECRET: 'x'.repeat(32),
  SWITCH_API_URL: 'https://switch.example.com',
  SWITCH_API_TOKEN: 't'.repeat(20),
  SWITCH_WEBHOOK_SECRET: 's'.repeat(32),
  SMTP_URL: 'smtp://mail:587',
} as const;
