import 'server-only';
import { notFound } from 'next/navigation';
import type { CurrentUser } from '@/lib/auth/session';
import type { Role } from '@/lib/generated/sqlite/enums';

export const STAFF: Role[] = ['agent', 'admin'];

/**
 * Every staff read and write starts here (a layout or page check does not protect a query or an
 * action): only staff of the given roles, with the second factor verified in this session. Anyone
 * else gets the same 404 as a page that does not exist.
 */
export function assertStaff(user: CurrentUser | null | undefined, roles: Role[] = STAFF): asserts user is CurrentUser {
  if (!user || !roles.includes(user.role) || !user.mfaVerified) notFound();
}
