import 'server-only';
import type { Tx } from '@/lib/server/db';

/**
 * Serialises decisions about one account. A no-op UPDATE takes the row lock on PostgreSQL (READ
 * COMMITTED would otherwise let two transactions each miss the other's change) and the write lock
 * on SQLite; the second transaction waits until the first commits and then sees its work.
 */
export async function lockAccount(tx: Tx, accountId: string): Promise<void> {
  await tx.$executeRaw`UPDATE "CustomerAccount" SET "name" = "name" WHERE "id" = ${accountId}`;
}

/**
 * `lockAccount` by the account's number (unique), for callers that only know the number (switch
 * events). Returns false when no account has that number: nothing was locked.
 */
export async function lockAccountByNumber(tx: Tx, accountNumber: string): Promise<boolean> {
  const n =
    await tx.$executeRaw`UPDATE "CustomerAccount" SET "name" = "name" WHERE "number" = ${accountNumber}`;
  return n === 1;
}
