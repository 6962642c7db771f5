'use server';
import { notFound } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { adminAction } from '@/lib/server/safe-action';
import {
  changeStaffRole,
  createStaffSchema,
  createStaffUser,
  disableSchema,
  roleSchema,
  setStaffDisabled,
  type UserChange,
} from '@/lib/staff/users';

const ECHO = { echo: ['email', 'name', 'role'] };

function answer(r: UserChange) {
  if ('notFound' in r) notFound();
  if (r.ok) revalidatePath('/staff/users');
  return r.ok
    ? {
        ok: true,
        message: r.message,
        data: r.initialPassword ? { initialPassword: r.initialPassword } : undefined,
      }
    : { message: r.message };
}

export const createStaffAction = adminAction(
  createStaffSchema,
  async (input, { user, meta }) => answer(await createStaffUser(user, input, meta)),
  ECHO,
);
export const changeRoleAction = adminAction(
  roleSchema,
  async (input, { user, meta }) => answer(await changeStaffRole(user, input, meta)),
  ECHO,
);
export const setDisabledAction = adminAction(
  disableSchema,
  async (input, { user, meta }) => answer(await setStaffDisabled(user, input, meta)),
  ECHO,
);
