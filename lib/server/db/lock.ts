import 'server-only';
import type { Tx } from '@/lib/server/db';

/**
 * Serialises decisions about one account. A no-op UPDATE takes the row lock on PostgreSQL (READ
 * COMMITTED would otherwise let two transactions each miss the other's change) and the write lock
 * on SQLite; the second transaction waits until the first commits and then sees its work.
 * The column set is one no index or trigger reads: on SQLite, `SET "name" = "name"` fired the
 * search index's trigger (migrations 0009: an FTS5 delete and insert) and rewrote the name index
 * on every lock, about 10× the cost of the lock itself.
 */
export async function lockAccount(tx: Tx, accountId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "CustomerAccount" SET "switchChangedAt" = "switchChangedAt" WHERE "id" = ${accountId}`;
}

/**
 * Serialises changes to one user's second factor (new recovery codes) the same way: a no-op UPDATE
 * of a column no trigger reads (the search index's trigger reads only "email"). The second of two
 * transactions waits here until the first commits, then sees its work.
 */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "User" SET "totpFailures" = "totpFailures" WHERE "id" = ${userId}`;
}
