// Prisma's error codes the domain reads (https://www.prisma.io/docs/orm/reference/error-reference).
// Pure: the operator CLI and the domain both import it.

/**
 * True for Prisma's P2002, "Unique constraint failed": a row with the same unique key was written
 * first, by a concurrent request or command that passed the same "does it exist?" check.
 */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'P2002';
