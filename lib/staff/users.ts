import 'server-only';
import { z } from 'zod';
import { freshSecondFactorLimits } from '@/lib/auth/mfa/lockout';
import { hashPassword } from '@/lib/auth/password';
import { displayEmail, emailSchema } from '@/lib/auth/email-address';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db, type Tx } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { postedId } from '@/lib/server/form-issues';
import { generatePassword } from '@/lib/passwords/generate';
import { queueMail, queueSecurityChange } from '@/lib/mail/queue';
import { customerLoginSchema, enableCustomerLoginSchema } from '@/lib/staff/customer-logins';
import { fail, missing, succeed, type Outcome } from '@/lib/server/outcome';
import { decideOnce, lockActor, refuse, type Decision } from '@/lib/server/decide-once';
import type { Note } from '@/lib/i18n/note';
import { recordReceipt, type Once } from '@/lib/server/idempotency';
import type { User } from '@/lib/generated/sqlite/client';
import { isUniqueViolation } from '@/lib/server/db/errors';

// Admins manage staff logins. Every change is audited; disabling ends the user's sessions and sign-in links at once
// (currentUser() checks the Session row and the disabled flag on every request). What the admin is told
// is a catalogue note under outcome.staffUser.* (the action wrapper words it in the admin's language).
// Disabling, enabling, a role change and a second-factor reset each ask for a reason, kept in the audit
// row's detail (since 2026-12-05; before, one click and no "why").

const ADMIN = ['admin'] as const;
const staffRole = z.enum(STAFF_ROLES, 'outcome.field.staffRole');

export const createStaffSchema = z.object({
  email: emailSchema({
    required: 'outcome.field.staffEmail',
    tooLong: 'outcome.field.staffEmail',
    invalid: 'outcome.field.staffEmail',
  }),
  name: z.string().trim().min(1, 'outcome.field.staffName').max(200),
  role: staffRole,
});
/**
 * Why the admin acts on another staff login: the customer-login forms' own field (lib/staff/customer-logins.ts:
 * trimmed, 5 to 500 characters, `outcome.field.loginReason` when shorter), stored in the audit row's
 * detail as `reason`.
 */
const reason = customerLoginSchema.shape.reason;

export const roleSchema = z.object({ userId: postedId, role: staffRole, reason });
export const resetFactorSchema = z.object({ userId: postedId, reason });
/**
 * Disable (`disabled` "true") or enable ("false") a staff login, with a reason. Enabling takes
 * `clearPassword` as the customer login's "Enable login" does (a checkbox, `on` when ticked, ticked at
 * first by the form; true once parsed): the password is removed as the login is enabled. Ignored when
 * disabling.
 */
export const disableSchema = z.object({
  userId: postedId,
  disabled: z.enum(['true', 'false']).transform((v) => v === 'true'),
  reason,
  clearPassword: enableCustomerLoginSchema.shape.clearPassword,
});
/** What setStaffDisabled takes (disableSchema's output fits): enabling must say whether the password goes. */
export type StaffDisabledInput = { userId: string; reason: string } & (
  { disabled: true; clearPassword?: boolean } | { disabled: false; clearPassword: boolean }
);

/**
 * ok with a note (and, for a new login, `data.initialPassword`: shown once, never stored in clear);
 * not_found for an id that is not a staff login; refused/conflict with a note otherwise.
 */
export type UserChange = Outcome<{ initialPassword: string } | undefined>;

export async function listStaffUsers(user: CurrentUser) {
  assertStaff(user, [...ADMIN]);
  const rows = await db.user.findMany({
    where: { role: { in: [...STAFF_ROLES] } },
    orderBy: { email: 'asc' },
    select: {
      id: true,
      email: true,
      name: true,
      role: true,
      disabled: true,
      totpEnabledAt: true,
      createdAt: true,
    },
  });
  return rows.map((u) => ({ ...u, self: u.id === user.id }));
}

/**
 * A new staff login with a generated first password, shown once to the admin. They must enrol TOTP
 * before anything else. Conflict `outcome.staffUser.exists` for an address already taken; refused
 * (`outcome.staffUser.notAdmin`, audited access.denied) when the admin was disabled or demoted while
 * the request ran: the actor is read again under their row's lock (lockActor), as for every change here.
 * `once` (the form's idempotency key) is recorded with the login: a resend of the same form is told it
 * was created (`outcome.again.staffCreated`), not "already exists".
 */
export async function createStaffUser(
  user: CurrentUser,
  input: z.output<typeof createStaffSchema>,
  meta: RequestMeta,
  once?: Once,
): Promise<UserChange> {
  assertStaff(user, [...ADMIN]);
  if (await db.user.findUnique({ where: { email: input.email } }))
    return fail('conflict', 'outcome.staffUser.exists');
  const initialPassword = generatePassword(20);
  const passwordHash = await hashPassword(initialPassword);
  try {
    return await decideOnce<{ initialPassword: string }>({ user, meta }, async (tx) => {
      const notAdmin = await lockActor(tx, user.id, ADMIN, { key: 'outcome.staffUser.notAdmin' });
      if (notAdmin) return notAdmin;
      const { email, name, role } = input;
      const created = await tx.user.create({ data: { email, name, role, passwordHash } });
      await recordReceipt(tx, once, {
        key: 'outcome.again.staffCreated',
        values: { email: displayEmail(email) },
      });
      return {
        ok: true,
        audit: {
          action: 'staff_user.created',
          target: { type: 'user', id: created.id },
          detail: { email, role },
        },
        data: { initialPassword },
        note: { key: 'outcome.staffUser.created', values: { email: displayEmail(email), role } },
      };
    });
  } catch (e) {
    if (isUniqueViolation(e)) return fail('conflict', 'outcome.staffUser.exists');
    throw e;
  }
}

/**
 * Runs `change` on a staff login other than the admin's own: not_found for an id that is not staff,
 * refused with the catalogue key `self` for the admin's own id. Only admins (else assertStaff's 404).
 */
async function onOtherStaff(
  user: CurrentUser,
  id: string,
  self: string,
  change: (target: User) => Promise<UserChange>,
): Promise<UserChange> {
  assertStaff(user, [...ADMIN]);
  const target = await db.user.findFirst({ where: { id, role: { in: [...STAFF_ROLES] } } });
  if (!target) return missing();
  if (target.id === user.id) return fail('refused', self);
  return change(target);
}

/**
 * The claim of a change to another staff login, inside its transaction: lockActor locks the actor's
 * and the target's User rows (in id order, so two admins acting on each other wait rather than
 * deadlock; the write lock on SQLite) and reads the actor again. The session check that let the
 * request in ran before; by now another admin may have disabled or demoted the actor (two admins
 * disabling each other at once would otherwise both succeed and leave no admin). Returns the target
 * as it is now, or the refusal `outcome.staffUser.notAdmin` (audited as access.denied) when the actor
 * is no longer an enabled admin. Because the actor's own row stays locked and enabled, an admin is
 * always left.
 */
async function lockActorAndTarget(
  tx: Tx,
  actorId: string,
  targetId: string,
): Promise<{ ok: true; target: User } | { ok: false; refusal: Decision<undefined> }> {
  const target = { type: 'user', id: targetId };
  const refusal = await lockActor(tx, actorId, ADMIN, { key: 'outcome.staffUser.notAdmin', target }, [
    targetId,
  ]);
  if (refusal) return { ok: false, refusal };
  return { ok: true, target: await tx.user.findUniqueOrThrow({ where: { id: targetId } }) };
}

/**
 * Disables a staff login (ending its sessions and sign-in links at once) or enables it again (its
 * sign-in links and known-device cookies made before end then too: revokeSignInLinks). Refused
 * (`outcome.staffUser.notAdmin`) when the admin was disabled or demoted while the request ran;
 * conflict `alreadyDisabled` / `alreadyEnabled` when the login is so already (nothing written). The
 * User rows are locked before the sessions are deleted (docs/architecture.md "Lock order").
 * Enabling with `clearPassword` removes the password as well (`passwordHash = null`), as a customer
 * login's enabling does (lib/staff/customer-logins.ts enableCustomerLogin), and for the same reason:
 * a login is often disabled because someone else has its password. The staff member then signs in with
 * an emailed link (their second factor still asked) and chooses a new password on /profile with a code
 * mailed to them (lib/auth/change-password.ts). A login that has no password already is told so too.
 * Enabling mails the owner `login_enabled` (which says whether the password was removed), in the same
 * transaction. Audited `staff_user.disabled` / `staff_user.enabled` with the reason (and, enabling,
 * `passwordCleared`); ok with `outcome.staffUser.disabled`, `…enabled` or `…enabledPasswordCleared`.
 */
export async function setStaffDisabled(
  user: CurrentUser,
  input: StaffDisabledInput,
  meta: RequestMeta,
): Promise<UserChange> {
  return onOtherStaff(user, input.userId, 'outcome.staffUser.disableSelf', (target) =>
    decideOnce({ user, meta }, async (tx) => {
      const locked = await lockActorAndTarget(tx, user.id, target.id);
      if (!locked.ok) return locked.refusal;
      // Already so (the same form sent again after "may or may not have been made", or another admin
      // first): nothing to change, and no second audit row claiming it.
      if (locked.target.disabled === input.disabled)
        return refuse(
          'conflict',
          input.disabled ? 'outcome.staffUser.alreadyDisabled' : 'outcome.staffUser.alreadyEnabled',
          { email: displayEmail(target.email) },
        );
      // Without a password after this (removed now, or by an earlier enabling and not chosen since):
      // the owner is told to sign in with a link, never that their password is unchanged.
      const passwordCleared = !input.disabled && (input.clearPassword || locked.target.passwordHash === null);
      await tx.user.update({
        where: { id: target.id },
        data: { disabled: input.disabled, ...(passwordCleared ? { passwordHash: null } : {}) },
      });
      const ended = input.disabled
        ? (await tx.session.deleteMany({ where: { userId: target.id } })).count
        : 0;
      // Both ways: disabling ends its links and moves its epoch (lib/auth/known-device.ts); enabling
      // moves the epoch again, so a login enabled again trusts no browser from before (as a customer
      // login's enabling does: lib/staff/customer-logins.ts endAccess), and a stray link ends too.
      await revokeSignInLinks(tx, target.email);
      const { email } = target;
      // The owner hears of it at once (someone may have talked an admin into it), in this transaction.
      if (!input.disabled)
        await queueMail(tx, email, 'login_enabled', {
          userId: target.id,
          enabledAt: new Date().toISOString(),
          passwordCleared,
        });
      const note: Note = input.disabled
        ? { key: 'outcome.staffUser.disabled', values: { email: displayEmail(email), sessions: ended } }
        : {
            key: passwordCleared ? 'outcome.staffUser.enabledPasswordCleared' : 'outcome.staffUser.enabled',
            values: { email: displayEmail(email) },
          };
      return {
        ok: true,
        audit: input.disabled
          ? {
              action: 'staff_user.disabled',
              target: { type: 'user', id: target.id },
              detail: { email, reason: input.reason, sessionsEnded: ended },
            }
          : {
              action: 'staff_user.enabled',
              target: { type: 'user', id: target.id },
              detail: { email, reason: input.reason, passwordCleared, sessionsEnded: ended },
            },
        note,
      };
    }),
  );
}

/**
 * Gives another staff login the role `input.role` (agent or admin), audited `staff_user.role_changed`
 * with `from`, `to` and the admin's `reason`. Refused (`outcome.staffUser.notAdmin`) when the admin was
 * disabled or demoted while the request ran; conflict `roleSame` when another admin gave the login
 * that role meanwhile.
 */
export async function changeStaffRole(
  user: CurrentUser,
  input: z.output<typeof roleSchema>,
  meta: RequestMeta,
): Promise<UserChange> {
  return onOtherStaff(user, input.userId, 'outcome.staffUser.roleSelf', async (target) => {
    const values = { email: displayEmail(target.email), role: input.role };
    if (target.role === input.role) return succeed(undefined, { key: 'outcome.staffUser.roleSame', values });
    return decideOnce({ user, meta }, async (tx) => {
      const locked = await lockActorAndTarget(tx, user.id, target.id);
      if (!locked.ok) return locked.refusal;
      // `from` as it is under the lock: another admin may have changed the role since the first read.
      const from = locked.target.role;
      if (from === input.role) return refuse('conflict', 'outcome.staffUser.roleSame', values);
      await tx.user.update({ where: { id: target.id }, data: { role: input.role } });
      return {
        ok: true,
        audit: {
          action: 'staff_user.role_changed',
          target: { type: 'user', id: target.id },
          detail: { email: target.email, reason: input.reason, from, to: input.role },
        },
        note: { key: 'outcome.staffUser.roleChanged', values },
      };
    });
  });
}

/**
 * A staff login whose second factor is lost (phone gone, recovery codes with it): the admin resets
 * it. The authenticator and every recovery code are removed, the login gets a new generated password
 * (`data.initialPassword`, shown once to the admin, to be given over a separate channel, as for a new
 * login), its sessions and sign-in links end, and a second-factor lock is lifted; at the next sign-in
 * the agent sets up two-factor authentication again before anything else (as a new login does). The
 * old password stops working, so whoever may hold it cannot be the one who enrols the new factor.
 * Not for the admin's own login (`outcome.staffUser.resetSelf`); refused (`outcome.staffUser.notAdmin`)
 * when the admin was disabled or demoted while the request ran. Audited `staff_user.second_factor_reset`
 * with the admin's reason. The login's owner is mailed the security change `mfa_reset_by_support` in
 * the same transaction (since 2026-12-05; before, nobody was told: someone who talked an admin into a
 * reset got the new password and the owner heard nothing).
 * `once` (the form's idempotency key) is recorded with the reset: a resend of the same form is told it
 * was done (`outcome.again.factorReset`), and no second password is made. The login's per-window code
 * limit starts afresh, as the emailed unlock link's does (lib/auth/mfa/lockout.ts): the wrong codes
 * typed from the lost factor would otherwise keep the agent from enrolling the new one for up to five
 * minutes, while the admin is still on the phone with them (break-29).
 */
export async function resetStaffSecondFactor(
  user: CurrentUser,
  input: z.output<typeof resetFactorSchema>,
  meta: RequestMeta,
  once?: Once,
): Promise<UserChange> {
  return onOtherStaff(user, input.userId, 'outcome.staffUser.resetSelf', async (target) => {
    const initialPassword = generatePassword(20);
    const passwordHash = await hashPassword(initialPassword);
    const done = await decideOnce<{ initialPassword: string }>({ user, meta }, async (tx) => {
      const locked = await lockActorAndTarget(tx, user.id, target.id);
      if (!locked.ok) return locked.refusal;
      await tx.user.update({
        where: { id: target.id },
        data: { passwordHash, totpSecret: null, totpEnabledAt: null, totpFailures: 0, totpLockedAt: null },
      });
      const codes = (await tx.recoveryCode.deleteMany({ where: { userId: target.id } })).count;
      const ended = (await tx.session.deleteMany({ where: { userId: target.id } })).count;
      await revokeSignInLinks(tx, target.email);
      const { email } = target;
      // No address in it: the admin's is not the owner's business (the other security mails' `ip` is the owner's own).
      await queueSecurityChange(tx, target, 'mfa_reset_by_support', null);
      await recordReceipt(tx, once, {
        key: 'outcome.again.factorReset',
        values: { email: displayEmail(email) },
      });
      return {
        ok: true,
        audit: {
          action: 'staff_user.second_factor_reset',
          target: { type: 'user', id: target.id },
          detail: {
            email,
            reason: input.reason,
            sessionsEnded: ended,
            recoveryCodesRemoved: codes,
            passwordReplaced: true,
          },
        },
        data: { initialPassword },
        note: {
          key: 'outcome.staffUser.factorReset',
          values: { email: displayEmail(email), sessions: ended },
        },
      };
    });
    if (done.ok) await freshSecondFactorLimits(target.id);
    return done;
  });
}
