'use server';
import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/server/safe-action';
import {
  changeStaffRole,
  createStaffSchema,
  createStaffUser,
  disableSchema,
  resetFactorSchema,
  resetStaffSecondFactor,
  roleSchema,
  setStaffDisabled,
  type UserChange,
} from '@/lib/staff/users';

// The reason a change to another login asks for comes back with a refusal, as what else was typed does.
const ECHO = { echo: ['email', 'name', 'role', 'reason'] };

/** A change refreshes the list; the wrapper words the Outcome (and not_found becomes a 404). */
function changed(r: UserChange) {
  if (r.ok) revalidatePath('/staff/users');
  return r;
}

// A resend of the same render of these two forms is answered from its receipt (lib/server/idempotency.ts):
// the first submission's password was shown only in its lost answer, and no second one is made.
export const createStaffAction = adminAction(
  createStaffSchema,
  async (input, { user, meta, once }) => changed(await createStaffUser(user, input, meta, once)),
  { ...ECHO, once: { action: 'staff.create' } },
);
export const changeRoleAction = adminAction(
  roleSchema,
  async (input, { user, meta }) => changed(await changeStaffRole(user, input, meta)),
  ECHO,
);
export const setDisabledAction = adminAction(
  disableSchema,
  async (input, { user, meta }) => changed(await setStaffDisabled(user, input, meta)),
  { echo: [...ECHO.echo, 'clearPassword'] },
);
export const resetFactorAction = adminAction(
  resetFactorSchema,
  async (input, { user, meta, once }) => changed(await resetStaffSecondFactor(user, input, meta, once)),
  { ...ECHO, once: { action: 'staff.resetFactor' } },
);
