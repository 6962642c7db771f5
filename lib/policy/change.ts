import 'server-only';
import { z } from 'zod';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { db } from '@/lib/server/db';
import { isUniqueViolation } from '@/lib/server/db/errors';
import { decideOnce, lockActor, refuse } from '@/lib/server/decide-once';
import { recordReceipt, type Once } from '@/lib/server/idempotency';
import { fail, type Outcome } from '@/lib/server/outcome';
import type { RequestMeta } from '@/lib/server/request-meta';
import {
  ALWAYS_NEEDS_PERSON,
  LIFT_POLICY_KEY,
  readLiftPolicy,
  SETTABLE_REASONS,
  type SettableReason,
} from './settings';

// An admin reads and changes the lift policy on /staff/policy (lib/policy/settings.ts reads it for
// everyone else). Apart from settings.ts so that what reads the policy (lib/blocks/lifecycle.ts, run
// by scripts outside Next too) does not import the session and its Next-only navigation.

/** What /staff/policy shows: each settable reason and whether it needs a person, the version, who changed it last and when. */
export type LiftPolicyView = {
  reasons: { reason: SettableReason; needsPerson: boolean }[];
  version: number;
  updatedAt: Date | null;
  /** The email of the admin who changed it last; null while nobody did (or their login is gone). */
  updatedBy: string | null;
};

/** The lift policy for the admin's page (admins only: anyone else gets assertStaff's 404). */
export async function liftPolicyForAdmin(user: CurrentUser): Promise<LiftPolicyView> {
  assertStaff(user, ['admin']);
  const policy = await readLiftPolicy();
  const by = policy.updatedById
    ? await db.user.findUnique({ where: { id: policy.updatedById }, select: { email: true } })
    : null;
  return {
    reasons: SETTABLE_REASONS.map((reason) => ({ reason, needsPerson: policy.needsPerson.has(reason) })),
    version: policy.version,
    updatedAt: policy.updatedAt,
    updatedBy: by?.email ?? null,
  };
}

/**
 * The form on /staff/policy: `needsPerson[]`, the reasons ticked (none ticked: the field is absent);
 * `version`, the policy's version the page showed (hidden); `reason`, why (5–500 characters, the
 * staff forms' reason field: lib/staff/customer-logins.ts), kept in the audit log.
 */
export const liftPolicySchema = z.object({
  'needsPerson[]': z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.enum(SETTABLE_REASONS, 'outcome.field.policyReasons')).max(SETTABLE_REASONS.length))
    .optional()
    .transform((v) => v ?? []),
  version: z.coerce.number('outcome.again.noKey').int('outcome.again.noKey').min(0, 'outcome.again.noKey'),
  reason: z.string().trim().min(5, 'outcome.field.loginReason').max(500),
});
export type LiftPolicyInput = z.output<typeof liftPolicySchema>;

/** The reasons needing a person, in the order of the BlockReason enum, `manual` first (for the audit row). */
const listed = (s: ReadonlySet<BlockReason>): BlockReason[] =>
  [...ALWAYS_NEEDS_PERSON, ...SETTABLE_REASONS].filter((r) => s.has(r));

/**
 * An admin sets which block reasons need a person (DESIGN.md "Re-enabling after a password reset").
 * In one transaction: the admin is read again under their row's lock (lockActor: a login disabled or
 * demoted meanwhile is refused with `outcome.staffUser.notAdmin`, audited access.denied), then the
 * policy is written only if it is still at `input.version`, the version the form showed (optimistic
 * concurrency: one conditional update, so of two admins at once exactly one wins). Answers:
 * - ok `outcome.policy.changed`, audited `policy.changed` with the reasons needing a person before
 *   and after (`manual` included) and the admin's reason as `note`; `once` (the form's idempotency
 *   key) is recorded with it, so a resend of a lost answer is told it was saved
 *   (`outcome.again.policyChanged`), not that someone else changed it;
 * - conflict `outcome.policy.unchanged` when the policy already reads so (another admin may have
 *   made the same change first): nothing written, nothing audited;
 * - conflict `outcome.policy.changedMeanwhile` when another admin changed it since the form's
 *   version: nothing written; the page, shown again, has the policy as it is now.
 * What it does to blocks in force: nothing at once. A stricter policy holds from the next decision (a
 * password change); a looser one lifts no block by itself: a block it held stays for a person
 * (lib/policy/rotated-waiting.ts lists it) or for the customer's next password change.
 */
export async function changeLiftPolicy(
  user: CurrentUser,
  input: LiftPolicyInput,
  meta: RequestMeta,
  once?: Once,
): Promise<Outcome> {
  assertStaff(user, ['admin']);
  const target = { type: 'policy_setting', id: LIFT_POLICY_KEY };
  try {
    return await decideOnce({ user, meta }, async (tx) => {
      const notAdmin = await lockActor(tx, user.id, ['admin'], { key: 'outcome.staffUser.notAdmin', target });
      if (notAdmin) return notAdmin;
      const now = await readLiftPolicy(tx);
      const wanted = new Set<BlockReason>([...ALWAYS_NEEDS_PERSON, ...input['needsPerson[]']]);
      const same = wanted.size === now.needsPerson.size && [...wanted].every((r) => now.needsPerson.has(r));
      if (same) return refuse('conflict', 'outcome.policy.unchanged');
      if (now.version !== input.version) return refuse('conflict', 'outcome.policy.changedMeanwhile');
      const value = JSON.stringify(SETTABLE_REASONS.filter((r) => wanted.has(r)));
      const at = new Date();
      if (now.version === 0) {
        // The first change writes the row; a second admin's first change at once fails on its key.
        await tx.policySetting.create({
          data: { key: LIFT_POLICY_KEY, value, version: 1, updatedAt: at, updatedById: user.id },
        });
      } else {
        const won = await tx.policySetting.updateMany({
          where: { key: LIFT_POLICY_KEY, version: input.version },
          data: { value, version: { increment: 1 }, updatedAt: at, updatedById: user.id },
        });
        if (won.count !== 1) return refuse('conflict', 'outcome.policy.changedMeanwhile');
      }
      await recordReceipt(tx, once, { key: 'outcome.again.policyChanged' });
      return {
        ok: true,
        audit: {
          action: 'policy.changed',
          target,
          detail: { before: listed(now.needsPerson), after: listed(wanted), note: input.reason },
        },
        note: { key: 'outcome.policy.changed' },
      };
    });
  } catch (e) {
    // Another admin's first change won the row's key (or this form's receipt was written by a resend).
    if (isUniqueViolation(e)) return fail('conflict', 'outcome.policy.changedMeanwhile');
    throw e;
  }
}
