'use server';
import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/server/safe-action';
import { changeLiftPolicy, liftPolicySchema } from '@/lib/policy/change';

/**
 * /staff/policy's form, for admins with a verified second factor (adminAction: anyone else gets a
 * 404, audited access.denied). It applies once per render (idempotency key): a resend after a lost
 * answer is told the change was saved. A change, or a conflict (another admin changed the policy
 * first), renders the page again, so the form shows the policy as it is now; the wrapper words the
 * Outcome in the admin's language.
 */
export const changeLiftPolicyAction = adminAction(
  liftPolicySchema,
  async (input, { user, meta, once }) => {
    const r = await changeLiftPolicy(user, input, meta, once);
    if (r.ok || r.code === 'conflict') revalidatePath('/staff/policy');
    return r;
  },
  { echo: ['reason', 'needsPerson[]'], once: { action: 'staff.policy' } },
);
