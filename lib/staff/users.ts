import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { hashPassword } from '@/lib/auth/password';
import { revokeSignInLinks } from '@/lib/auth/revoke';
import { STAFF_ROLES } from '@/lib/auth/roles';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { generatePassword } from '@/lib/passwords/generate';

// Admins manage staff logins. Every change is audited; disabling ends the user's sessions and sign-in links at once
// (currentUser() checks the Session row and the disabled flag on every request).

const ADMIN = ['admin'] as const;
const staffRole = z.enum(STAFF_ROLES, 'Choose agent or admin.');
const userId = z.string().min(1).max(64);

export const createStaffSchema = z.object({
  email: z.string().trim().toLowerCase().max(254).pipe(z.email('Enter a valid email address.')),
  name: z.string().trim().min(1, 'Enter their name.').max(200),
  role: staffRole,
});
export const roleSchema = z.object({ userId, role: staffRole });
export const disableSchema = z.object({
  userId,
  disabled: z.enum(['true', 'false']).transform((v) => v === 'true'),
});

export type UserChange =
  | { ok: true; message: string; initialPassword?: string }
  | { ok: false; message: string }
  | { ok: false; notFound: true };

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

/** A new staff login with a generated first password, shown once to the admin. They must enrol TOTP before anything else. */
export async function createStaffUser(
  user: CurrentUser,
  input: z.output<typeof createStaffSchema>,
  meta: RequestMeta,
): Promise<UserChange> {
  assertStaff(user, [...ADMIN]);
  if (await db.user.findUnique({ where: { email: input.email } }))
    return { ok: false, message: 'A login with this email already exists.' };
  const initialPassword = generatePassword(20);
  const passwordHash = await hashPassword(initialPassword);
  try {
    await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { email: input.email, name: input.name, role: input.role, passwordHash },
      });
      await audit(
        {
          action: 'staff_user.created',
          actor: user,
          target: { type: 'user', id: created.id },
          detail: { email: input.email, role: input.role },
          meta,
        },
        tx,
      );
    });
  } catch (e) {
    if ((e as { code?: string }).code === 'P2002')
      return { ok: false, message: 'A login with this email already exists.' };
    throw e;
  }
  return {
    ok: true,
    message: `${input.email} can now sign in as ${input.role}. Give them this first password over a separate channel; they set up two-factor authentication on first sign-in.`,
    initialPassword,
  };
}

async function staffTarget(id: string) {
  return db.user.findFirst({ where: { id, role: { in: [...STAFF_ROLES] } } });
}

export async function setStaffDisabled(
  user: CurrentUser,
  input: z.output<typeof disableSchema>,
  meta: RequestMeta,
): Promise<UserChange> {
  assertStaff(user, [...ADMIN]);
  const target = await staffTarget(input.userId);
  if (!target) return { ok: false, notFound: true };
  if (target.id === user.id) return { ok: false, message: 'You cannot disable your own login.' };
  const sessionsEnded = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: target.id }, data: { disabled: input.disabled } });
    const ended = input.disabled ? (await tx.session.deleteMany({ where: { userId: target.id } })).count : 0;
    if (input.disabled) await revokeSignInLinks(tx, target.email);
    await audit(
      {
        action: input.disabled ? 'staff_user.disabled' : 'staff_user.enabled',
        actor: user,
        target: { type: 'user', id: target.id },
        detail: { email: target.email, sessionsEnded: ended },
        meta,
      },
      tx,
    );
    return ended;
  });
  return {
    ok: true,
    message: input.disabled
      ? `${target.email} is disabled; ${sessionsEnded} session(s) ended.`
      : `${target.email} can sign in again.`,
  };
}

export async function changeStaffRole(
  user: CurrentUser,
  input: z.output<typeof roleSchema>,
  meta: RequestMeta,
): Promise<UserChange> {
  assertStaff(user, [...ADMIN]);
  const target = await staffTarget(input.userId);
  if (!target) return { ok: false, notFound: true };
  if (target.id === user.id)
    return { ok: false, message: 'You cannot change your own role; ask another admin.' };
  if (target.role === input.role) return { ok: true, message: `${target.email} is already ${input.role}.` };
  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: target.id }, data: { role: input.role } });
    await audit(
      {
        action: 'staff_user.role_changed',
        actor: user,
        target: { type: 'user', id: target.id },
        detail: { email: target.email, from: target.role, to: input.role },
        meta,
      },
      tx,
    );
  });
  return { ok: true, message: `${target.email} is now ${input.role}.` };
}
