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

const ECHO = { echo: ['email', 'name', 'role'] };

/** A change refreshes the list; the wrapper words the Outcome (and not_found becomes a 404). */
function changed(r: UserChange) {
  if (r.ok) revalidatePath('/staff/users');
  return r;
}

export const createStaffAction = adminAction(
  createStaffSchema,
  async (input, { user, meta }) => changed(await createStaffUser(user, input, meta)),
  ECHO,
);
export const changeRoleAction = adminAction(
  roleSchema,
  async (input, { user, meta }) => changed(await changeStaffRole(user, input, meta)),
  ECHO,
);
export const setDisabledAction = adminAction(
  disableSchema,
  async (input, { user, meta }) => changed(await setStaffDisabled(user, input, meta)),
  ECHO,
);
export const resetFactorAction = adminAction(
  resetFactorSchema,
  async (input, { user, meta }) => changed(await resetStaffSecondFactor(user, input, meta)),
  ECHO,
);
