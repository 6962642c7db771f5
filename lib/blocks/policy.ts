import 'server-only';
import type { Tx } from '@/lib/db';
import { lockAccount } from '@/lib/db/lock';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { enqueueLift } from '@/lib/switch/outbox';

/** Reasons that a password rotation alone never lifts (DESIGN.md: manual blocks always need staff). */
export const NEEDS_STAFF: readonly BlockReason[] = ['manual'];

/**
 * DESIGN.md's re-enabling rule: when every SIP credential named in a block's trigger calls has a new
 * password confirmed after the block was placed, the block is lifted (through the switch outbox).
 * A call through a name that is not one of the account's credentials (an IP-authenticated trunk)
 * can never be rotated here, so such a block waits for a person.
 */
export async function liftIfRotated(tx: Tx, accountId: string): Promise<string[]> {
  await lockAccount(tx, accountId); // two credentials rotated at the same moment must not both miss the lift
  const blocks = await tx.block.findMany({ where: { accountId, status: 'active' }, include: { calls: { select: { sipUsername: true } } } });
  // A lift allows calls for the whole account on the switch: never let it undo a block support placed.
  if (blocks.some((b) => NEEDS_STAFF.includes(b.reason))) return [];
  const account = await tx.customerAccount.findUniqueOrThrow({ where: { id: accountId }, select: { number: true } });
  if (await tx.switchOperation.count({ where: { accountNumber: account.number, kind: 'block', status: 'pending' } })) return [];
  const creds = await tx.sipCredential.findMany({ where: { accountId } });
  const rotated = (b: (typeof blocks)[number]) => {
    const named = [...new Set(b.calls.map((c) => c.sipUsername))];
    return named.length > 0 && named.every((n) => {
      const c = creds.find((x) => x.username === n);
      return c?.passwordChangedAt != null && c.passwordChangedAt > b.placedAt;
    });
  };
  // The switch lifts the whole account at once, so every open block must qualify, not just one.
  if (blocks.length === 0 || !blocks.every(rotated)) return [];
  await enqueueLift(tx, blocks[0], 'policy', 'Every SIP password named in the block was changed');
  const lifted = blocks.map((b) => b.id);
  return lifted;
}
