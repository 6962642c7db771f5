// The audit log's action names: the type audit() accepts, and the staff filter's options (exact
// match keeps the (action, at) index useful).
export const AUDIT_ACTIONS = [
  'sign_in.success',
  'sign_in.failure',
  'sign_in.throttled',
  'sign_in.link_requested',
  'sign_in.link_throttled',
  'sign_in.link_suppressed',
  /** A link sent past the per-email ceiling because the mailbox held no live one: a sign of an attack. */
  'sign_in.link_past_ceiling',
  'sign_in.link_unbound',
  'sign_in.link_refused',
  'sign_out',
  'sign_out.everywhere',
  'password.changed',
  'password.change_failed',
  'password.change_throttled',
  'mfa.enrolled',
  /** A code to confirm turning two-factor authentication on was mailed to the login (lib/auth/mfa/enrol-proof.ts). */
  'mfa.enrol_code_sent',
  'mfa.verified',
  'mfa.failure',
  /** A code refused unread: too many codes in the window (lib/server/rate-limit.ts `totp`). */
  'mfa.throttled',
  'mfa.recovery_code_used',
  'mfa.locked',
  'mfa.unlocked',
  'mfa.recovery_codes_replaced',
  'profile.time_zone_changed',
  'profile.locale_changed',
  'sip_password.changed',
  'sip_password.change_failed',
  'sip_password.change_unknown',
  'request.submitted',
  'request.withdrawn',
  'request.approved',
  'request.denied',
  'request.decision_conflict',
  /** An approval found the request's block already lifted: the request was closed, nothing approved. */
  'request.closed_block_lifted',
  /** An approval's lift did not happen (refused by the switch, or cancelled by a new block): pending again. */
  'request.reopened',
  /** An agent took a waiting request before calling (lib/requests/claim.ts), took it over, or released it. */
  'request.taken',
  'request.taken_over',
  'request.released',
  'block.place_requested',
  'block.placed',
  'block.place_refused',
  'block.lift_requested',
  'block.lifted',
  'block.lift_refused',
  /**
   * The rotation policy's lift withdrawn before it was sent: the switch outbox's read of the registrar
   * found a suspect credential of the block whose password was not changed (lib/blocks/lifecycle.ts
   * withholdLiftForSuspects). One row per block and credential, `username` in the detail.
   */
  'block.lift_withheld',
  'block.reapplied',
  'block.reapply_refused',
  /** A credential the block's calls do not name, seen registered from their address or by a scanner (lib/blocks/suspects.ts). */
  'block.suspect_credential',
  'switch.block.placed',
  'switch.block.placed_stale',
  'switch.block.lifted',
  /** An event id the switch sent again with a different body: answered 409, nothing applied (lib/blocks/ingest.ts). */
  'switch.event.id_reused',
  'reconcile.difference',
  'reconcile.resolved',
  'staff_user.created',
  'staff_user.disabled',
  'staff_user.enabled',
  'staff_user.role_changed',
  'staff_user.second_factor_reset',
  /** An admin changed a policy setting on /staff/policy (lib/policy/change.ts): before, after, why. */
  'policy.changed',
  /** Support, from a customer account's page (lib/staff/customer-logins.ts): one of its member logins. */
  'customer_user.signed_out',
  'customer_user.disabled',
  'customer_user.enabled',
  'access.denied',
  'user.created',
  /** The operator CLI's reset-second-factor (any login, customers included). */
  'user.second_factor_reset',
  /** The operator CLI (actor `operator-cli`): a new customer account, a new SIP credential on one, re-sealed TOTP secrets. */
  'account.created',
  'sip_credential.created',
  'secrets.resealed',
  /** The operator CLI's add-member / remove-member: a customer login joined or left an account. */
  'membership.added',
  'membership.removed',
  'allowance.requested',
  'allowance.approved',
  'allowance.denied',
  /** A request closed without a decision: the account's last block was lifted while it waited. */
  'allowance.closed',
  'allowance.granted',
  'allowance.started',
  'allowance.refused',
  'allowance.end_requested',
  'allowance.end_refused',
  /** A removal the switch refused, found carried out by a later read of the switch (settleRefusedEnd). */
  'allowance.end_confirmed',
  'allowance.ended',
  /** An agent took a waiting allowance request before calling (lib/allowances/claim.ts), took it over, or released it. */
  'allowance.taken',
  'allowance.taken_over',
  'allowance.released',
] as const;

/** One audit action name; `audit()` takes nothing else, so a new action is added here first. */
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * The catalogue key, under `staff.audit`, of an action's name for people ("Signed in", "Inicio de
 * sesión"): `actions.<action>` with its dots as colons, since next-intl reads a dot as nesting and
 * `sign_out` is both a name and the start of `sign_out.everywhere`. Every AUDIT_ACTIONS entry has one
 * in each catalogue (tests/unit/catalogue.test.ts).
 */
export const auditActionKey = (action: string): string => `actions.${action.replaceAll('.', ':')}`;
