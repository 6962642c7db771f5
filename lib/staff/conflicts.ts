import 'server-only';
import type { Tx } from '@/lib/db';

/**
 * The switch has one international-calling switch per account, so lifting any block allows calls for
 * the whole account. Refuse a lift while a block placed by support is in force (or on its way to the
 * switch) on the same account: lifting would quietly undo it.
 */
export async function liftWouldUndoManualBlock(tx: Tx, account: { id: string; number: string }, blockId: string): Promise<boolean> {
  const manual = await tx.block.count({ where: { accountId: account.id, id: { not: blockId }, reason: 'manual', status: 'active' } });
  if (manual > 0) return true;
  const placing = await tx.switchOperation.count({ where: { accountNumber: account.number, kind: 'block', status: 'pending' } });
  return placing > 0;
}

export const UNDO_MANUAL_MESSAGE =
  'A block placed by support is in force on this account (or waiting for the switch). Lifting this block would allow international calls for the whole account, so nothing was changed. Lift the manual block first.';
