import 'server-only';
import { passwordChangedSince } from '@/lib/blocks/rotation';
import { db } from '@/lib/server/db';

/** A SIP credential as the reset page's "Next" link names it (lib/accounts/credential-name.ts). */
export type NextCredential = { id: string; username: string; label: string };

/**
 * The credential a member is offered next once the password of `credentialId` is set from block
 * `blockId`'s page (`/credentials/{id}/reset?block=…`): the first, in the block page's order (by
 * username), of the account's SIP credentials that the block's trigger calls name, or that are its
 * suspects (seen registered from the calls' addresses or by a scanning tool, lib/blocks/suspects.ts:
 * the block's automatic lift waits for them as for a named one), and whose password
 * has not been changed since the block (lib/blocks/rotation.ts passwordChangedSince, the notion of the
 * block page's "Password changed since the block"), `credentialId` itself left out (its change may
 * not be recorded yet when the form shows its success). Null when there is none (every one is
 * changed), when the block is lifted (nothing is asked any more), or when the block is not one of
 * `userId`'s accounts (scoped inside the query). A PBX owner with many credentials went back to the
 * block page and hunted for the next one after each change (tester, 2026-12).
 * Two reads: the block with the account's credentials and its suspects, then which of those the calls
 * name.
 */
export async function nextCredentialToChange(
  userId: string,
  blockId: string,
  credentialId: string,
): Promise<NextCredential | null> {
  const block = await db.block.findFirst({
    where: { id: blockId, status: { not: 'lifted' }, account: { memberships: { some: { userId } } } },
    select: {
      id: true,
      createdAt: true,
      suspects: { select: { credentialId: true } },
      account: {
        select: {
          sipCredentials: {
            where: { id: { not: credentialId } },
            orderBy: { username: 'asc' },
            select: { id: true, username: true, label: true, passwordChangedAt: true },
          },
        },
      },
    },
  });
  if (!block) return null;
  const pending = block.account.sipCredentials.filter((c) => !passwordChangedSince(c, block));
  if (pending.length === 0) return null;
  const named = await db.triggerCall.groupBy({
    by: ['sipUsername'],
    where: { blockId: block.id, sipUsername: { in: pending.map((c) => c.username) } },
  });
  const names = new Set(named.map((r) => r.sipUsername));
  const suspects = new Set(block.suspects.map((x) => x.credentialId));
  const next = pending.find((c) => names.has(c.username) || suspects.has(c.id));
  return next ? { id: next.id, username: next.username, label: next.label } : null;
}
