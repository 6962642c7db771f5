'use server';
import { revalidatePath } from 'next/cache';
import { staffAction } from '@/lib/server/safe-action';
import {
  customerLoginSchema,
  disableCustomerLogin,
  enableCustomerLogin,
  enableCustomerLoginSchema,
  signOutCustomerLogin,
  type CustomerLoginChange,
} from '@/lib/staff/customer-logins';

// The account page's "Portal logins" forms, for any staff member with a verified second factor
// (staffAction: others get a 404). Each applies once per render of its form (idempotency key): a resend
// after a lost answer is told it was done. The wrapper words the Outcome (not_found becomes a 404).

const OPTIONS = { echo: ['reason'] } as const;

/** A change, or a conflict (another agent got there first), refreshes the account page under the answer. */
function changed(r: CustomerLoginChange) {
  if (r.ok || r.code === 'conflict') revalidatePath('/staff/accounts/[number]', 'page');
  return r;
}

export const signOutCustomerAction = staffAction(
  customerLoginSchema,
  async (input, { user, meta, once }) => changed(await signOutCustomerLogin(user, input, meta, once)),
  { ...OPTIONS, once: { action: 'staff.customerLogin.signOut' } },
);

export const disableCustomerAction = staffAction(
  customerLoginSchema,
  async (input, { user, meta, once }) => changed(await disableCustomerLogin(user, input, meta, once)),
  { ...OPTIONS, once: { action: 'staff.customerLogin.disable' } },
);

export const enableCustomerAction = staffAction(
  enableCustomerLoginSchema,
  async (input, { user, meta, once }) => changed(await enableCustomerLogin(user, input, meta, once)),
  { echo: ['reason', 'clearPassword'], once: { action: 'staff.customerLogin.enable' } },
);
