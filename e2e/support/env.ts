import path from 'node:path';

// Shared by global setup (which starts everything) and the tests (which talk to it).
// E2E_BASE_PORT moves all six ports (portal, simulator, SMTP, factory writer, the Python switch and its portal), e.g. to run two checkouts at once.
const BASE = Number(process.env.E2E_BASE_PORT ?? 3210);
export const E2E_PORT = BASE;
export const E2E_DIR = path.resolve('test-results/e2e-env');
export const E2E = {
  appUrl: `http://localhost:${E2E_PORT}`,
  databaseUrl: `file:${path.join(E2E_DIR, 'tollgate.db')}`,
  authSecret: 'e2e-auth-secret-e2e-auth-secret-0123456789',
  switchToken: 'e2e-switch-token-0123456789',
  webhookSecret: 'e2e-webhook-secret-0123456789-0123456789',
  metricsToken: 'e2e-metrics-token-0123456789',
  simPort: BASE + 1,
  smtpPort: BASE + 2,
  /** ./factory-server.ts: writes the tests' own data (./factories.ts). */
  factoryPort: BASE + 3,
  /** e2e/19-python-switch.spec.ts: the Python switch (switch/interop/) and the portal that talks to it. */
  pySwitchPort: BASE + 4,
  pyPortalPort: BASE + 5,
};
export const simUrl = `http://127.0.0.1:${E2E.simPort}`;
