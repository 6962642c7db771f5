import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { displayEmail } from '@/lib/auth/email-address';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { queueMail } from '@/lib/mail/queue';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db, type Tx } from '@/lib/server/db';
import { decideOnce, lockActor, refuse, type Decision } from '@/lib/server/decide-once';
import { recordReceipt, type Once } from '@/lib/server/idempotency';
import { missing, type Outcome } from '@/lib/server/outcome';
import type { RequestMeta } from '@/lib/server/request-meta';
import { hiddenValue, postedId } from '@/lib/server/form-issues';
import type { Note } from '@/lib/i18n/note';

// Support acts on a customer's portal login from the account's page: "someone has my portal password",
// or a login seen used from an attacker's address. Any verified staff member may sign it out
// everywhere, disable it or enable it again; each asks for a reason, is one transaction and is audited
// (customer_user.*) with the account. The target is reached only through THIS account's memberships and
// only when it is a customer login: a staff login, another account's member or an unknown id is
// not_found (a 404), and nothing changes. Staff logins are managed on /staff/users (lib/staff/users.ts).

// Required and bounded: a sentence for the audit log (past 500 the wrapper says outcome.field.tooLong).
const reason = z.string().trim().min(5, 'outcome.field.loginReason').max(500);

/**
 * Every customer-login form: the account (its number, as in the page's address) and the login (both
 * hidden fields: hiddenValue, postedId), why.
 */
export const customerLoginSchema = z.object({ accountNumber: hiddenValue(40), userId: postedId, reason });
export type CustomerLoginInput = z.output<typeof customerLoginSchema>;

/**
 * "Enable login" adds `clearPassword` (a checkbox, `on` when ticked; the form ticks it by default):
 * the password is removed as the login is enabled, so whoever else knew it cannot use it.
 */
export const enableCustomerLoginSchema = customerLoginSchema.extend({
  clearPassword: z
    .literal('on')
    .optional()
    .transform((v) => v === 'on'),
});
export type EnableCustomerLoginInput = z.output<typeof enableCustomerLoginSchema>;

/** ok with a note under outcome.customerLogin.*; not_found for a login outside this account; refused/conflict with a note. */
export type CustomerLoginChange = Outcome;

/** One member login as the account page lists it (a DTO: no hash, no secret). */
export type CustomerLoginRow = {
  id: string;
  email: string;
  name: string | null;
  locale: string;
  disabled: boolean;
  /** False once support removed the password and until the customer chose a new one (links only meanwhile). */
  hasPassword: boolean;
  secondFactor: boolean;
  /**
   * Browsers signed in now: sessions not yet expired and, for a login with a second factor, past it
   * (a session still waiting for the code may read nothing: lib/auth/session.ts).
   */
  sessions: number;
  /**
   * Sessions not yet expired still waiting for the second factor's code: someone typed the right
   * password (or used a link) there and got no further, which an agent deciding to disable the login
   * wants to know (review 30: they were counted as signed in).
   */
  waitingForCode: number;
  /**
   * When the login last completed a sign-in, by any method, from the audit log: the newest of its
   * `sign_in.success` rows (password or link) made while it had no second factor, and its
   * `mfa.verified` and `mfa.recovery_code_used` rows (the code that completes a sign-in where there is
   * one). A password or link sign-in made while a second factor was on is no sign-in (it waits for the
   * code: `waitingForCode`). Every session counted in `sessions` came of one of these rows (a reset of
   * the factor ends every session), so a login signed in now has a time here; null when none is kept.
   */
  lastSignInAt: Date | null;
  /** How many OTHER accounts the login is a member of (disabling it shuts it out of those too). */
  otherAccounts: number;
};

/** A password or link sign-in: complete only while the login has no second factor. */
const SIGNED_IN = 'sign_in.success';
/** The second factor's code (or a recovery code) taken: a sign-in completed. */
const PASSED_FACTOR = ['mfa.verified', 'mfa.recovery_code_used'] as const;
/** A login's second factor removed by someone else (the operator CLI; an admin, for a login once staff). */
const FACTOR_RESET = ['user.second_factor_reset', 'staff_user.second_factor_reset'] as const;

/**
 * The audit rows that are a completed sign-in of one of `logins`, as a Prisma filter: each one's code
 * (PASSED_FACTOR), and its password or link sign-ins (SIGNED_IN) from while it had no second factor:
 * after its last second-factor reset (`resetAt`) and, when one is on now, before it was turned on
 * (`totpEnabledAt`: on since then without a break, as only a reset turns it off). A sign-in in an off
 * period before an older reset is not found; the code or the sign-in after it usually is.
 */
function completedSignIns(logins: { id: string; totpEnabledAt: Date | null; resetAt: Date | null }[]) {
  const unbounded = logins.filter((l) => !l.totpEnabledAt && !l.resetAt).map((l) => l.id);
  const bounded = logins.filter((l) => l.totpEnabledAt || l.resetAt);
  return {
    OR: [
      { actorId: { in: logins.map((l) => l.id) }, action: { in: [...PASSED_FACTOR] } },
      { actorId: { in: unbounded }, action: SIGNED_IN },
      ...bounded.map((l) => ({
        actorId: l.id,
        action: SIGNED_IN,
        at: { ...(l.resetAt ? { gt: l.resetAt } : {}), ...(l.totpEnabledAt ? { lt: l.totpEnabledAt } : {}) },
      })),
    ],
  };
}

/**
 * The customer logins that are members of account `accountId`, by email: `CustomerLoginRow[]`. Five
 * statements whatever the number of members: the account's memberships, their logins with their
 * live-session and membership counts, their live sessions past the second factor, their last
 * second-factor resets, then each one's last completed sign-in from the audit log (its
 * `(actorId, at)` index; completedSignIns). Staff only (assertStaff: a 404 for anyone else); staff
 * logins that are members of an account are not listed.
 */
export async function listCustomerLogins(user: CurrentUser, accountId: string): Promise<CustomerLoginRow[]> {
  assertStaff(user);
  const now = new Date();
  // From the account's memberships (their accountId index), each login by its key. Filtering the
  // users by `memberships: { some }` instead is an EXISTS per login, which SQLite answers by walking
  // every login of the provider (30 ms of CPU at 100 000; bench/README.md, thirty-first session).
  const rows = (
    await db.membership.findMany({
      where: { accountId, user: { role: 'customer' } },
      orderBy: { user: { email: 'asc' } },
      select: {
        user: {
          select: {
            id: true,
            email: true,
            name: true,
            locale: true,
            disabled: true,
            passwordHash: true, // read as "has one" below, never returned
            totpEnabledAt: true,
            _count: { select: { sessions: { where: { expires: { gt: now } } }, memberships: true } },
          },
        },
      },
    })
  ).map((m) => m.user);
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const verified = await db.session.groupBy({
    by: ['userId'],
    where: { userId: { in: ids }, expires: { gt: now }, mfaVerifiedAt: { not: null } },
    _count: { _all: true },
  });
  const verifiedOf = new Map(verified.map((v) => [v.userId, v._count._all]));
  const resets = await db.auditLog.groupBy({
    by: ['targetId'],
    where: { targetId: { in: ids }, action: { in: [...FACTOR_RESET] } },
    _max: { at: true },
  });
  const resetOf = new Map(resets.map((r) => [r.targetId, r._max.at]));
  const last = await db.auditLog.groupBy({
    by: ['actorId'],
    where: completedSignIns(
      rows.map((r) => ({ id: r.id, totpEnabledAt: r.totpEnabledAt, resetAt: resetOf.get(r.id) ?? null })),
    ),
    _max: { at: true },
  });
  const lastOf = new Map(last.map((l) => [l.actorId, l._max.at]));
  return rows.map((r) => {
    const secondFactor = r.totpEnabledAt !== null;
    const live = r._count.sessions;
    const sessions = secondFactor ? (verifiedOf.get(r.id) ?? 0) : live;
    return {
      id: r.id,
      email: r.email,
      name: r.name,
      locale: r.locale,
      disabled: r.disabled,
      hasPassword: r.passwordHash !== null,
      secondFactor,
      sessions,
      waitingForCode: live - sessions,
      lastSignInAt: lastOf.get(r.id) ?? null,
      otherAccounts: r._count.memberships - 1,
    };
  });
}

/** The target left this account (or stopped being a customer login) after the first read: a 404 too. */
const GONE = { ok: false, code: 'not_found' } as const;

type Target = { accountId: string; userId: string; email: string };

/** The login `input.userId` if it is a customer login and a member of account `input.accountNumber`, else null. */
async function findTarget(tx: Tx | typeof db, input: CustomerLoginInput): Promise<Target | null> {
  const m = await tx.membership.findFirst({
    where: { userId: input.userId, account: { number: input.accountNumber }, user: { role: 'customer' } },
    select: { accountId: true, user: { select: { id: true, email: true } } },
  });
  return m ? { accountId: m.accountId, userId: m.user.id, email: m.user.email } : null;
}

type Change<I extends CustomerLoginInput> = (
  tx: Tx,
  target: Target & { disabled: boolean },
  input: I,
) => Promise<Decision<undefined>>;

/**
 * The frame of the three changes: staff only (assertStaff), the target found through this account
 * (else not_found), then in one transaction (decideOnce) the actor and the target's User rows locked in
 * id order and the actor read again (lockActor: an agent disabled meanwhile is refused with
 * `outcome.staffDisabled`, audited access.denied), the target read again under its lock (a membership
 * removed or a role changed meanwhile: not_found), then `change`, whose audit row gets the account.
 * When it is done, `once` (the form's idempotency key) is recorded with the note `again` (values
 * `email`), in the same transaction: a resend of the same form is told it was done, not "already so".
 */
function onCustomerLogin<I extends CustomerLoginInput = CustomerLoginInput>(
  again: string,
  change: Change<I>,
) {
  return async (
    user: CurrentUser,
    input: I,
    meta: RequestMeta,
    once?: Once,
  ): Promise<CustomerLoginChange> => {
    assertStaff(user);
    const found = await findTarget(db, input);
    if (!found) return missing();
    return decideOnce({ user, meta }, async (tx) => {
      const refusal = await lockActor(
        tx,
        user.id,
        STAFF_ROLES,
        { key: 'outcome.staffDisabled', target: { type: 'user', id: found.userId } },
        [found.userId],
      );
      if (refusal) return refusal;
      const target = await findTarget(tx, input);
      if (!target) return GONE;
      const { disabled } = await tx.user.findUniqueOrThrow({
        where: { id: target.userId },
        select: { disabled: true },
      });
      const d = await change(tx, { ...target, disabled }, input);
      if (!d.ok) return d;
      // The change is the login's, so on every account it is a member of: each other account's audit
      // log has the row too, naming the account it was done from (review 30: their pages showed the
      // member disabled, their logs nothing). The frame writes this account's row.
      const others = await tx.membership.findMany({
        where: { userId: target.userId, accountId: { not: target.accountId } },
        select: { accountId: true },
      });
      for (const o of others)
        await audit(
          {
            ...d.audit,
            accountId: o.accountId,
            detail: { ...d.audit.detail, actedFrom: input.accountNumber },
            actor: user,
            meta,
          },
          tx,
        );
      await recordReceipt(tx, once, { key: again, values: { email: displayEmail(target.email) } });
      return { ...d, audit: { ...d.audit, accountId: target.accountId } };
    });
  };
}

/** Ends every session of the login and every sign-in link in its mail; returns both counts. */
async function endAccess(tx: Tx, target: Target): Promise<{ sessionsEnded: number; linksRevoked: number }> {
  const sessionsEnded = (await tx.session.deleteMany({ where: { userId: target.userId } })).count;
  const linksRevoked = await revokeSignInLinks(tx, target.email);
  return { sessionsEnded, linksRevoked };
}

const auditOf = (action: 'signed_out' | 'disabled' | 'enabled', target: Target, detail: object) => ({
  action: `customer_user.${action}` as const,
  target: { type: 'user', id: target.userId },
  detail: { email: target.email, ...detail },
});

/**
 * "Sign out everywhere" for a customer login of this account: its sessions end (currentUser() finds
 * no Session row on the next request) and its sign-in links are revoked (revokeSignInLinks); the
 * password and the disabled flag stay. ok with `outcome.customerLogin.signedOut` (email, sessions);
 * audited `customer_user.signed_out` with the account, the login, the reason and both counts. `once`:
 * a resend of the same form is answered from its receipt (`outcome.again.customerSignedOut`).
 */
export const signOutCustomerLogin = onCustomerLogin(
  'outcome.again.customerSignedOut',
  async (tx, target, input) => {
    const ended = await endAccess(tx, target);
    const email = displayEmail(target.email);
    return {
      ok: true,
      audit: auditOf('signed_out', target, { reason: input.reason, ...ended }),
      note: { key: 'outcome.customerLogin.signedOut', values: { email, sessions: ended.sessionsEnded } },
    };
  },
);

/**
 * "Disable login": `disabled = true`, its sessions end and its sign-in links are revoked, at once and in
 * the same transaction; it cannot sign in (password or link) until enabled, on any of its accounts, and
 * no mail is sent to it meanwhile. Conflict `outcome.customerLogin.alreadyDisabled` (nothing written)
 * when it is so already. ok with `outcome.customerLogin.disabled` (email, sessions); audited
 * `customer_user.disabled`. A resend of the same form: `outcome.again.customerDisabled`.
 */
export const disableCustomerLogin = onCustomerLogin(
  'outcome.again.customerDisabled',
  async (tx, target, input) => {
    if (target.disabled)
      return refuse('conflict', 'outcome.customerLogin.alreadyDisabled', {
        email: displayEmail(target.email),
      });
    await tx.user.update({ where: { id: target.userId }, data: { disabled: true } });
    const ended = await endAccess(tx, target);
    const email = displayEmail(target.email);
    const note: Note = {
      key: 'outcome.customerLogin.disabled',
      values: { email, sessions: ended.sessionsEnded },
    };
    return { ok: true, audit: auditOf('disabled', target, { reason: input.reason, ...ended }), note };
  },
);

/**
 * "Enable login": `disabled = false`. With `clearPassword` the password is removed as well
 * (`passwordHash = null`): a login is often disabled because someone else has its password, and
 * enabling it with that password would let them in again. The customer then signs in with an emailed
 * link, which only the mailbox's owner gets, and chooses a new password on the profile page
 * (lib/auth/change-password.ts takes none as current). Without it the password is unchanged (the
 * page says so). Any session or sign-in link that exists is ended as well (none should: a disabled
 * login gets neither, but a link requested in the instant before the disable committed may have been
 * made after it), and revokeSignInLinks, run after the flag is cleared, mails a fresh unlock link to
 * a login whose second factor is still locked (the disable revoked the old one). Conflict
 * `outcome.customerLogin.alreadyEnabled` when it is enabled already. ok with
 * `outcome.customerLogin.enabled` or `…enabledPasswordCleared` (email); audited
 * `customer_user.enabled` with `passwordCleared`; the owner is mailed `login_enabled`, which says
 * which. A resend of the same form: `outcome.again.customerEnabled`.
 */
export const enableCustomerLogin = onCustomerLogin<EnableCustomerLoginInput>(
  'outcome.again.customerEnabled',
  async (tx, target, input) => {
    if (!target.disabled)
      return refuse('conflict', 'outcome.customerLogin.alreadyEnabled', {
        email: displayEmail(target.email),
      });
    // Without a password after this (removed now, or by an earlier enabling and not chosen since):
    // the owner is told to sign in with a link, never that their password is unchanged.
    const { passwordHash } = await tx.user.findUniqueOrThrow({
      where: { id: target.userId },
      select: { passwordHash: true },
    });
    const passwordCleared = input.clearPassword || passwordHash === null;
    await tx.user.update({
      where: { id: target.userId },
      data: { disabled: false, ...(passwordCleared ? { passwordHash: null } : {}) },
    });
    const ended = await endAccess(tx, target);
    // The owner hears of it at once (a caller may have talked support into it), in this transaction.
    await queueMail(tx, target.email, 'login_enabled', {
      userId: target.userId,
      enabledAt: new Date().toISOString(),
      passwordCleared,
    });
    return {
      ok: true,
      audit: auditOf('enabled', target, { reason: input.reason, passwordCleared, ...ended }),
      note: {
        key: passwordCleared
          ? 'outcome.customerLogin.enabledPasswordCleared'
          : 'outcome.customerLogin.enabled',
        values: { email: displayEmail(target.email) },
      },
    };
  },
);
