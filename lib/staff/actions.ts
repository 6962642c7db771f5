'use server';
import { notFound } from 'next/navigation';
import { revalidatePath } from 'next/cache';
import { userAction } from '@/lib/server/safe-action';
import { changeStaffRole, createStaffSchema, createStaffUser, disableSchema, roleSchema, setStaffDisabled, type UserChange } from '@/lib/staff/users';

const ADMIN = { roles: ['admin' as const], echo: ['email', 'name', 'role'] };

function answer(r: UserChange) {
  if ('notFound' in r) notFound();
  if (r.ok) revalidatePath('/staff/users');
  return r.ok ? { ok: true, message: r.message, data: r.initialPassword ? { initialPassword: r.initialPassword } : undefined } : { message: r.message };
}

export const createStaffAction = userAction(createStaffSchema, async (input, { user, meta }) => answer(await createStaffUser(user, input, meta)), ADMIN);
export const changeRoleAction = userAction(roleSchema, async (input, { user, meta }) => answer(await changeStaffRole(user, input, meta)), ADMIN);
export const setDisabledAction = userAction(disableSchema, async (input, { user, meta }) => answer(await setStaffDisabled(user, input, meta)), ADMIN);
