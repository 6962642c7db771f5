import 'server-only';
import { z } from 'zod';
import { audit } from '@/lib/audit/log';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import type { RequestMeta } from '@/lib/server/request-meta';
import { requestLift, requestManualBlock } from '@/lib/blocks/lifecycle';
import { liftRefusalMessage } from './refusals';

// Support blocks or lifts by hand. Both go through the switch outbox: the decision is recorded at
// once, and nothing is shown as done (or in force) until the switch confirms.

const note = z.string().trim().min(5, 'Write a note: why, and on whose word.').max(2000);
export const placeSchema = z.object({ accountNumber: z.string().trim().min(1).max(40), note });
export const liftSchema = z.object({
  blockId: z.string().min(1).max(64),
  note,
  'alsoLift[]': z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().min(1).max(64)).max(50))
    .optional(),
});

export type ManualOutcome =
  { ok: true } | { ok: false; kind: 'not_found' } | { ok: false; kind: 'refused'; message: string };

export async function placeManualBlock(
  user: CurrentUser,
  input: z.output<typeof placeSchema>,
  meta: RequestMeta,
): Promise<ManualOutcome> {
  assertStaff(user);
  const account = await db.customerAccount.findUnique({ where: { number: input.accountNumber } });
  if (!account) return { ok: false, kind: 'not_found' };
  return db.$transaction(async (tx): Promise<ManualOutcome> => {
    const res = await requestManualBlock(tx, account, user.email, input.note);
    if (!res.ok) return { ok: false, kind: 'refused', message: res.message };
    await audit(
      {
        action: 'block.place_requested',
        actor: user,
        accountId: account.id,
        target: { type: 'switch_operation', id: res.opId },
        detail: { reason: 'manual', note: input.note },
        meta,
      },
      tx,
    );
    return { ok: true };
  });
}

/** Support lifts a block, and exactly the other blocks of the account they ticked (a lift is account-wide). */
export async function liftBlockByStaff(
  user: CurrentUser,
  input: z.output<typeof liftSchema>,
  meta: RequestMeta,
): Promise<ManualOutcome> {
  assertStaff(user);
  const block = await db.block.findUnique({ where: { id: input.blockId }, include: { account: true } });
  if (!block) return { ok: false, kind: 'not_found' };
  return db.$transaction(async (tx): Promise<ManualOutcome> => {
    const blockIds = [block.id, ...(input['alsoLift[]'] ?? []).filter((id) => id !== block.id)];
    const res = await requestLift(tx, {
      accountId: block.accountId,
      blockIds,
      actor: user.email,
      reason: 'Lifted by support',
      by: 'staff',
    });
    if (!res.ok) return { ok: false, kind: 'refused', message: liftRefusalMessage(res) };
    await audit(
      {
        action: 'block.lift_requested',
        actor: user,
        accountId: block.accountId,
        target: { type: 'block', id: block.id },
        detail: { by: 'staff', note: input.note, alsoLifted: blockIds.slice(1) },
        meta,
      },
      tx,
    );
    return { ok: true };
  });
}
