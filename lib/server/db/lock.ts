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

/** What a switch event needs of the account it locked (lib/blocks/lifecycle.ts `applySwitchEvent`). */
export type LockedAccount = { id: string; number: string; switchChangedAt: Date | null };

/**
 * `lockAccount` by the account's number (unique), for callers that only know the number (switch
 * events). Returns the locked row's id, number and `switchChangedAt`, read by the locking statement
 * itself (`UPDATE … RETURNING`, PostgreSQL and SQLite ≥ 3.35): one round trip instead of the lock and
 * a read. The values are read under the lock, so they stay current until the transaction ends.
 * Returns null when no account has that number (nothing was locked).
 */
export async function lockAccountByNumber(tx: Tx, accountNumber: string): Promise<LockedAccount | null> {
  const rows = await tx.$queryRaw<
    { id: string; number: string; switchChangedAt: Date | string | number | null }[]
  >`
    UPDATE "CustomerAccount" SET "name" = "name" WHERE "number" = ${accountNumber}
    RETURNING "id", "number", "switchChangedAt"`;
  const row = rows[0];
  if (!row) return null;
  const at = row.switchChangedAt;
  // PostgreSQL returns a Date; SQLite's raw result may be the stored text or number.
  return { id: row.id, number: row.number, switchChangedAt: at === null ? null : new Date(at) };
}
