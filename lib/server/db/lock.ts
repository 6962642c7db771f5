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
 * Takes one user's row lock: a no-op UPDATE of a column no trigger reads (the search index's trigger
 * reads only "email"). The second of two transactions waits here until the first commits, then sees
 * its work.
 *
 * **Lock order.** A transaction that writes a user's User row and also their Session,
 * VerificationToken or RecoveryCode rows (sign out everywhere, the portal password change, second-factor
 * enrolment and verification, new recovery codes, a staff login disabled, a sign-in link put back after
 * a sign-in that did not happen) calls this FIRST, before it
 * touches any of those rows; a staff decision locks its actor's row first too (lib/server/decide-once.ts).
 * Several users' rows are locked in id order (`lockUsers`). On PostgreSQL two transactions that took
 * the same rows in opposite orders would wait on each other until one was killed with 40P01 (deadlock
 * detected); with one order the second simply waits. docs/architecture.md "Lock order".
 */
export async function lockUser(tx: Tx, userId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "User" SET "totpFailures" = "totpFailures" WHERE "id" = ${userId}`;
}

/** lockUser for several users, in id order (so two transactions locking the same pair wait, never deadlock). */
export async function lockUsers(tx: Tx, userIds: readonly string[]): Promise<void> {
  for (const id of [...new Set(userIds)].sort()) await lockUser(tx, id);
}
