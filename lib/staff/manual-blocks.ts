import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import type { CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/db';
import { lockAccount } from '@/lib/db/lock';
import type { RequestMeta } from '@/lib/http/request-meta';
import { enqueueLift } from '@/lib/switch/outbox';
import { enqueuePlace } from '@/lib/switch/outbox-place';
import { assertStaff } from './authz';
import { liftWouldUndoManualBlock, UNDO_MANUAL_MESSAGE } from './conflicts';

// Support blocks or lifts by hand. Both go through the switch outbox: the decision is recorded at
// once, and nothing is shown as done (or in force) until the switch confirms.

const note = z.string().trim().min(5, 'Write a note: why, and on whose word.').max(2000);
export const placeSchema = z.object({ accountNumber: z.string().trim().min(1).max(40), note });
export const liftSchema = z.object({ blockId: z.string().min(1).max(64), note });

export type ManualOutcome = { ok: true } | { ok: false; kind: 'not_found' } | { ok: false; kind: 'refused'; message: string };

export async function placeManualBlock(user: CurrentUser, input: z.output<typeof placeSchema>, meta: RequestMeta): Promise<ManualOutcome> {
  assertStaff(user);
  const account = await db.customerAccount.findUnique({ where: { number: input.accountNumber } });
  if (!account) return { ok: false, kind: 'not_found' };
  return db.$transaction(async (tx): Promise<ManualOutcome> => {
    await lockAccount(tx, account.id); // two agents at once: the second sees the first one's operation
    const open = await tx.block.count({ where: { accountId: account.id, status: { in: ['active', 'lift_pending'] } } });
    if (open > 0) return { ok: false, kind: 'refused', message: 'This account already has a block in force or being lifted. Wait for the switch, or work with that block.' };
    const pending = await tx.switchOperation.count({ where: { accountNumber: account.number, status: 'pending' } });
    if (pending > 0) return { ok: false, kind: 'refused', message: 'A change for this account is still waiting for the switch. Try again once it is confirmed.' };
    const opId = await enqueuePlace(tx, account, user.email, input.note);
    await audit({ action: 'block.place_requested', actor: user, accountId: account.id, target: { type: 'switch_operation', id: opId }, detail: { reason: 'manual', note: input.note }, meta }, tx);
    return { ok: true };
  });
}

export async function liftBlockByStaff(user: CurrentUser, input: z.output<typeof liftSchema>, meta: RequestMeta): Promise<ManualOutcome> {
  assertStaff(user);
  const block = await db.block.findUnique({ where: { id: input.blockId }, include: { account: true } });
  if (!block) return { ok: false, kind: 'not_found' };
  return db.$transaction(async (tx): Promise<ManualOutcome> => {
    if (await liftWouldUndoManualBlock(tx, block.account, block.id)) return { ok: false, kind: 'refused', message: UNDO_MANUAL_MESSAGE };
    const before = await tx.switchOperation.count({ where: { blockId: block.id } });
    await enqueueLift(tx, block, user.email, 'Lifted by support');
    // enqueueLift only acts on an active block: no second lift for one already lifting or lifted.
    if ((await tx.switchOperation.count({ where: { blockId: block.id } })) === before) {
      return { ok: false, kind: 'refused', message: 'This block is already being lifted or was lifted.' };
    }
    await audit({ action: 'block.lift_requested', actor: user, accountId: block.accountId, target: { type: 'block', id: block.id }, detail: { by: 'staff', note: input.note }, meta }, tx);
    return { ok: true };
  });
}
