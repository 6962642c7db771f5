// The users of e2e/10-sign-in-edges.spec.ts, seeded by ./seed.ts. Staff are enrolled with EDGE_TOTP_SECRET.
export const EDGE_PASSWORD = 'e2e-edge-password-2026';
export const EDGE_TOTP_SECRET = 'KRUGS4ZANFZSAYLOEBSWIZ3FEBZWKY3SMV2A';

type Role = 'customer' | 'agent' | 'admin';
/** email, role, member of ACC-9012 */
export const EDGE_USERS: [string, Role, boolean][] = [
  ['edge@e2e.example', 'customer', true],
  ['ops+voip@e2e.example', 'customer', true],
  ['edge-back@e2e.example', 'customer', true],
  ['edge-rv-out@e2e.example', 'customer', false],
  ['edge-rv-pass@e2e.example', 'customer', false],
  ['edge-rv-mfa@e2e.example', 'customer', false],
  ['edge-rv-agent@e2e.example', 'agent', false],
  ['edge-agent@e2e.example', 'agent', false],
  ['edge-guard@e2e.example', 'agent', false],
  ['edge-totp@e2e.example', 'agent', false],
  ['edge-cut@e2e.example', 'customer', false],
  ['edge-fwd@e2e.example', 'customer', false],
  ['edge-colleague@e2e.example', 'customer', false],
];
