// Prisma's error codes the domain reads (https://www.prisma.io/docs/orm/reference/error-reference).
// Pure: the operator CLI and the domain both import it.

/**
 * True for Prisma's P2002, "Unique constraint failed": a row with the same unique key was written
 * first, by a concurrent request or command that passed the same "does it exist?" check.
 */
export const isUniqueViolation = (e: unknown): boolean => (e as { code?: string } | null)?.code === 'P2002';

/**
 * True for Prisma's P2003, "Foreign key constraint failed": the row it points at (a session, say) was
 * deleted by a concurrent request between a check and the insert that needed it.
 */
export const isForeignKeyViolation = (e: unknown): boolean =>
  (e as { code?: string } | null)?.code === 'P2003';
