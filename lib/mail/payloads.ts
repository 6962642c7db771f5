import { z } from 'zod';
import { LOCALES } from '@/lib/i18n/locales';

// The payload of each mail template, as a zod schema. queueMail checks a payload against its
// template's schema when the message is queued (a wrong payload is a bug: it throws and rolls back
// the change that queued it), and renderMessage checks it again when the row is sent (a row written
// by an older version, or by hand, that no longer fits is failed with the reason instead of sent
// with holes). The payload names rows; the render reads them from the database at send time.
// `userId` picks the recipient's time zone and, for links, whom a link is bound to; without it the
// recipient is looked up by address.

const id = z.string().min(1).max(64);
const iso = z.iso.datetime({ offset: true });

/**
 * The changes to how a login signs in that its owner is mailed of (lib/mail/templates/security-change.ts):
 * two-factor authentication turned on (`mfa_enrolled`) or moved to a new phone (`mfa_moved`, since
 * 2026-12-05: a move is no set-up, and someone who just lost a phone must not read that it was turned
 * on), the portal password changed, new recovery codes made. And, since 2026-12-05, two-factor
 * authentication reset by someone else, once the owner said they lost it: by an admin on /staff/users
 * (`mfa_reset_by_support`, lib/staff/users.ts resetStaffSecondFactor, which also replaces the password)
 * or with the operator CLI (`mfa_reset_by_operator`, lib/accounts/commands.ts resetSecondFactor, the
 * password kept). Someone holding a leaked password who talks support into a reset then signs in with
 * the password alone; the owner must hear of it (OWASP ASVS 4.0 V2.5.5: the user is notified when an
 * authentication factor is changed or replaced). And a portal password set by an operator with the
 * CLI (`password_set_by_operator`, lib/accounts/commands.ts setPassword; before, it was mailed as
 * `password_changed`, which told an owner who had done nothing "if it was not you, someone else signed
 * in to your login"). Who is in the kind: the render passes the template only the fields below.
 */
export const SECURITY_CHANGES = [
  'mfa_enrolled',
  'mfa_moved',
  'password_changed',
  'recovery_codes_replaced',
  'mfa_reset_by_support',
  'mfa_reset_by_operator',
  'password_set_by_operator',
] as const;
export type SecurityChange = (typeof SECURITY_CHANGES)[number];

/**
 * Why Tollgate withdrew an approval's queued lift before the switch confirmed it, as
 * request_lift_failed tells the customer (lib/blocks/lifecycle.ts cancelQueuedLifts, its CANCELLED
 * keys): `new_block`, the switch placed a new block (its event, or its answer to a read before an
 * old lift was sent again); `newer_in_force`, the switch reported a lift dated before the block the
 * lift was for, which stays in force; `support_placed`, support's block was confirmed. A new block
 * whose notice goes out in the same change names the request instead (block_notice
 * `reopenedRequestIds`), and no request_lift_failed is sent.
 */
export const LIFT_WITHDRAWN = ['new_block', 'newer_in_force', 'support_placed'] as const;
export type LiftWithdrawn = (typeof LIFT_WITHDRAWN)[number];

/**
 * The most changes one gathered `sip_password_changed` alert lists (lib/mail/queue.ts
 * queuePasswordChangedAlert): a message that holds this many takes no more, and the next change
 * starts a new one. 50 cards is a long mail already, and it keeps a payload well under 16 KB.
 */
export const MAX_CHANGES_PER_PASSWORD_ALERT = 50;

/**
 * One confirmed SIP password change as a gathered alert lists it: the credential, when it was made
 * (ISO 8601, when the change was sent to the switch), the client address it came from (null: not
 * known) and the address of the login that made it (null: not known).
 */
const sipPasswordChange = z.object({
  credentialId: id,
  changedAt: iso,
  ip: z.string().max(64).nullable(),
  by: z.string().max(254).nullable(),
});
export type SipPasswordChange = z.infer<typeof sipPasswordChange>;

export const MAIL_PAYLOADS = {
  /**
   * `closedAllowanceIds`: allowance requests this new block closed (the notice names them).
   * `reopenedRequestIds`: unblock requests whose approved lift this new block withdrew before the
   * switch confirmed it, each back with support (lib/blocks/lifecycle.ts cancelQueuedLifts): the
   * notice names them, and no request_lift_failed is sent for them (one mail, never two).
   */
  block_notice: z.object({
    blockId: id,
    userId: id.optional(),
    closedAllowanceIds: z.array(id).max(200).optional(),
    reopenedRequestIds: z.array(id).max(200).optional(),
  }),
  /** `closedRequestIds`, `closedAllowanceIds`: requests the lift closed without a decision (named in it). */
  block_lifted: z.object({
    blockId: id,
    userId: id.optional(),
    closedRequestIds: z.array(id).max(200).optional(),
    closedAllowanceIds: z.array(id).max(200).optional(),
  }),
  request_received: z.object({ requestId: id, userId: id.optional(), blockId: id.optional() }),
  request_approved: z.object({ requestId: id, userId: id.optional() }),
  request_denied: z.object({ requestId: id, userId: id.optional() }),
  /**
   * An approval's lift did not happen. `withdrawn`: Tollgate withdrew it before the switch confirmed
   * it, and why (LIFT_WITHDRAWN); absent: the switch refused it or answered without lifting the block
   * (and rows queued before this field existed, 2026-12-06, which did not say).
   */
  request_lift_failed: z.object({
    requestId: id,
    userId: id.optional(),
    withdrawn: z.enum(LIFT_WITHDRAWN).optional(),
  }),
  /**
   * A lift closed the request without a decision while another block of the account stays in force
   * (so no "calling is back" mail says it).
   */
  request_closed: z.object({ requestId: id, userId: id.optional() }),
  /**
   * Two shapes (sipPasswordChanges reads both as a list). One change: `credentialId`, `changedAt` ISO
   * 8601, `ip` of the browser that changed it, `by` the email of who changed it; every alert queued
   * before 2026-12-09 has it, and the unconfirmed alert still does. `unconfirmedChangeId`: the alert
   * is about a change whose switch answer is not known (the SipPasswordChange row's id;
   * lib/credentials/reset.ts alertUnconfirmed), worded "may have changed" while that change is still
   * unknown; absent for a change the switch confirmed. `unconfirmedCause`: why
   * (lib/credentials/change-state.ts unknownCause): the switch gave no answer (`no_answer`, and when
   * absent, as in rows queued before 2026-12-08), or answered with an error (`error_answer`).
   * Gathered (since 2026-12-09, confirmed changes only: lib/mail/queue.ts queuePasswordChangedAlert):
   * `accountId`, the account every credential of the message is on, and `changes`, 1 to
   * MAX_CHANGES_PER_PASSWORD_ALERT of them in the order they were made, each as the one-change shape.
   */
  sip_password_changed: z
    .object({
      credentialId: id.optional(),
      changedAt: iso.optional(),
      ip: z.string().max(64).nullable().optional(),
      by: z.string().max(254).nullable().optional(),
      userId: id.optional(),
      unconfirmedChangeId: id.optional(),
      unconfirmedCause: z.enum(['no_answer', 'error_answer']).optional(),
      accountId: id.optional(),
      changes: z.array(sipPasswordChange).min(1).max(MAX_CHANGES_PER_PASSWORD_ALERT).optional(),
    })
    .refine(
      (p) =>
        p.changes === undefined
          ? p.credentialId !== undefined && p.changedAt !== undefined && p.accountId === undefined
          : p.accountId !== undefined &&
            [p.credentialId, p.changedAt, p.ip, p.by, p.unconfirmedChangeId, p.unconfirmedCause].every(
              (v) => v === undefined,
            ),
      {
        message:
          'either one change (credentialId, changedAt) or a list of confirmed changes (accountId, changes), not both',
      },
    ),
  /**
   * `sealedUrl`: the sign-in link, sealed (lib/server/seal.ts, purpose mail-payload-v1). Once the row
   * is finished the worker replaces the payload with `{ scrubbed: true }` (lib/mail/worker.ts).
   * `locale`: the language of the page that asked for the link (used unless the user chose one).
   */
  sign_in_link: z.union([
    z.object({ sealedUrl: z.string().min(1), expires: iso, locale: z.enum(LOCALES).optional() }),
    z.object({ scrubbed: z.literal(true) }),
  ]),
  /**
   * The code that confirms turning on two-factor authentication from one session
   * (lib/auth/mfa/enrol-proof.ts): `sealedCode` sealed as `sealedUrl` is, scrubbed the same way once
   * the row is finished; `expires` ISO 8601; `ip` the client address that asked for it; `purpose`
   * what it confirms, which the mail's subject and words say.
   */
  enrolment_code: z.union([
    z.object({
      userId: id,
      sessionId: id,
      sealedCode: z.string().min(1),
      expires: iso,
      ip: z.string().max(64).nullable().optional(),
      /**
       * Absent: turning on two-factor authentication; `password`: choosing a portal password; `move`:
       * moving two-factor authentication to a new phone (its code is an enrolment one all the same).
       */
      purpose: z.enum(['password', 'move']).optional(),
    }),
    z.object({ scrubbed: z.literal(true) }),
  ]),
  mfa_locked: z.object({ userId: id }),
  /** A recovery code was spent (lib/auth/mfa/verify.ts): when, from where, and how many are left. */
  recovery_code_used: z.object({
    userId: id,
    usedAt: iso,
    ip: z.string().max(64).nullable(),
    left: z.number().int().min(0).max(100),
  }),
  /**
   * A change to how a login signs in (lib/mail/templates/security-change.ts): which, when, and the
   * client address it came from; made from its own session, or a reset by support or an operator
   * (`mfa_reset_by_*`) or a password set by an operator (`password_set_by_operator`), whose `ip` is
   * null: a staff member's or operator's address is not the owner's business.
   */
  security_change: z.object({
    userId: id,
    change: z.enum(SECURITY_CHANGES),
    at: iso,
    ip: z.string().max(64).nullable(),
  }),
  /** Support enabled a customer's disabled login again (lib/staff/customer-logins.ts): when, and the reason given. */
  login_enabled: z.object({ userId: id, enabledAt: iso, passwordCleared: z.boolean().optional() }),
  /** A destination allowance started or ended (lib/allowances/notify.ts). */
  allowance_started: z.object({ allowanceId: id, userId: id.optional() }),
  allowance_ended: z.object({ allowanceId: id, userId: id.optional() }),
  /**
   * A customer's allowance request, received (lib/allowances/request.ts) or denied by an agent
   * (lib/allowances/decide.ts denyAllowance), to the customer who asked (lib/allowances/notify.ts).
   */
  allowance_received: z.object({ allowanceId: id, userId: id.optional() }),
  allowance_denied: z.object({ allowanceId: id, userId: id.optional() }),
  /**
   * A grant that did not start (since 2026-12-06): the switch refused it for good, or did not confirm it
   * within the hour (lib/allowances/notify.ts notifyNotStarted); the render reads which from the
   * allowance (`endReason`), and the switch's error from the allowance or its failed PUT.
   */
  allowance_not_started: z.object({ allowanceId: id, userId: id.optional() }),
} as const;

/** The templates Tollgate sends (how each is retried after a crash: lib/mail/delivery-policy.ts). */
export type MailTemplate = keyof typeof MAIL_PAYLOADS;

/** What `queueMail(tx, to, template, payload)` takes for `template`. */
export type MailPayload<T extends MailTemplate> = z.input<(typeof MAIL_PAYLOADS)[T]>;

/**
 * Checks a stored payload (JSON text) against its template: `{ ok: true, payload }` or
 * `{ ok: false, reason }` for an unknown template, invalid JSON or a payload that does not fit.
 */
export function readPayload(
  template: string,
  json: string,
):
  | { ok: true; payload: Record<string, string | string[] | null | undefined> }
  | { ok: false; reason: string } {
  const schema = (MAIL_PAYLOADS as Record<string, z.ZodType | undefined>)[template];
  if (!schema) return { ok: false, reason: `unknown template ${template}` };
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ok: false, reason: 'payload is not JSON' };
  }
  const r = schema.safeParse(raw);
  if (!r.success)
    return {
      ok: false,
      reason:
        `payload does not fit ${template}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'} ${i.message}`).join('; ')}`.slice(
          0,
          300,
        ),
    };
  return { ok: true, payload: r.data as Record<string, string | string[] | null | undefined> };
}

/**
 * The changes a `sip_password_changed` payload (as MAIL_PAYLOADS checked it) tells of, in the order
 * they were made: its `changes`, or its one change (the shape of every alert queued before
 * 2026-12-09, and of the unconfirmed alert) as a list of one, `ip` and `by` null when absent.
 */
export function sipPasswordChanges(
  p: z.output<(typeof MAIL_PAYLOADS)['sip_password_changed']>,
): SipPasswordChange[] {
  if (p.changes) return p.changes;
  if (!p.credentialId || !p.changedAt) return [];
  return [{ credentialId: p.credentialId, changedAt: p.changedAt, ip: p.ip ?? null, by: p.by ?? null }];
}
