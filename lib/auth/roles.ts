// The roles of portal users, in one place. Plain data and a predicate (no server-only import), so
// the seed, the admin CLI and the e2e set-up read the same list as the portal.
import type { Role } from '@/lib/generated/sqlite/enums';

/** Every role a portal user can have (the `Role` enum of prisma/schema.prisma), customers first. */
export const ROLES = ['customer', 'agent', 'admin'] as const satisfies readonly Role[];

/** The staff roles: support agents and admins. The one list every staff check reads. */
export const STAFF_ROLES = ['agent', 'admin'] as const satisfies readonly Role[];
export type StaffRole = (typeof STAFF_ROLES)[number];

/** Is this user staff (agent or admin)? The one staff predicate; it says nothing about the second factor. */
export function isStaff(user: { role: Role }): boolean {
  return (STAFF_ROLES as readonly Role[]).includes(user.role);
}
