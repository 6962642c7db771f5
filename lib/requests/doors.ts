// The ways into a phone system that fraudsters use besides a SIP password ("other doors"), as the
// block page lists them and the firewall request asks the customer to confirm, one checkbox each.
// Pure (no server-only): the request schema, the pages and the staff console share the keys; the
// words are in messages/en.json under `doors.<key>`.

/** The doors the block page lists, in the order it lists them. */
export const OTHER_DOORS = ['voicemailDisa', 'callForwarding', 'sipPorts', 'webAdmin'] as const;
export type OtherDoor = (typeof OTHER_DOORS)[number];

/**
 * What a firewall request must confirm: every door, plus changed default passwords. Stored on the
 * request as a JSON object `{ [key]: true }` (UnblockRequest.checklist) and shown to staff.
 */
export const FIREWALL_CHECKS = [...OTHER_DOORS, 'defaultPasswords'] as const;
export type FirewallCheck = (typeof FIREWALL_CHECKS)[number];

export const isFirewallCheck = (key: string): key is FirewallCheck =>
  (FIREWALL_CHECKS as readonly string[]).includes(key);
