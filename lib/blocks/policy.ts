import 'server-only';
import { audit } from '@/lib/audit/log';
import type { Tx } from '@/lib/server/db';
import type { BlockReason } from '@/lib/generated/sqlite/enums';
import { ALWAYS_NEEDS_PERSON, readLiftPolicy } from '@/lib/policy/settings';
import { requestLift } from './lifecycle';
import { passwordChangedSince } from './rotation';

/**
 * Reasons that a password rotation alone never lifts, whatever the admins' policy (DESIGN.md: manual
 * blocks always need staff). The others are the admins' choice (/staff/policy, lib/policy/settings.ts).
 */
export const NEEDS_STAFF: readonly BlockReason[] = ALWAYS_NEEDS_PERSON;

/**
 * DESIGN.md's re-enabling rule: when every SIP credential named in a block's trigger calls, and every
 * credential the portal saw registered from the calls' source addresses or by a SIP scanning tool while
 * the block was in force (the block's suspects, BlockSuspectCredential: lib/blocks/suspects.ts; a
 * registration proves its registrant holds that password, and a tester's second cracked credential,
 * registered from the fraud's address, called again the moment the block lifted on the first one's
 * rotation), has a new password set after the block was placed, the block is lifted (through the
 * switch outbox). A suspect only holds the lift, never makes one: a block whose calls name no
 * credential still waits for a person, whatever its suspects. "Set
 * after the block was placed" is passwordChangedSince (lib/blocks/rotation.ts: the change's sending
 * time, counted once the switch confirmed it, strictly after the block reached the portal, both on
 * the portal's shared clock; why those two times is said there).
 * The switch lifts the whole account at once, so every open block must qualify, not just one. A call
 * through a name that is not one of the account's credentials (an IP-authenticated trunk) can never
 * be rotated here, so such a block waits for a person. Returns the ids of the blocks whose lift was
 * queued (empty when the policy does not apply yet), with a `block.lift_requested` audit row (by `policy`).
 * A block whose reason the admins' policy says needs a person (lib/policy/settings.ts; `manual`
 * always) is never lifted here, nor is any other block of its account: the switch lifts the account
 * at once. The policy is read in `tx`, the deciding transaction, on every call (no cache), so an
 * admin's change holds for the next decision on every instance. Such a block, once every password it
 * named is changed, waits for support on the staff home page (lib/policy/rotated-waiting.ts, the same
 * rule in SQL), who lift it by hand.
 * A block's `callsNotKept` needs no check here: lib/blocks/trigger-calls.ts stores the first call of
 * every credential the switch named, however many calls it listed, so the calls it only counted name
 * credentials already among `calls` (or are not objects, with no `from` to name one). No released
 * version stored a block that lost one: the column and this rule ship together (migration 0015,
 * 2026-12-01), and before them an event listing more than 200 calls was refused whole. A block with
 * no stored call names no credential and waits for a person.
 */
export async function liftIfRotated(tx: Tx, accountId: string): Promise<string[]> {
  const blocks = await tx.block.findMany({
    where: { accountId, status: 'active' },
    include: { calls: { select: { sipUsername: true } }, suspects: { select: { credentialId: true } } },
  });
  if (blocks.length === 0) return [];
  const { needsPerson } = await readLiftPolicy(tx);
  if (blocks.some((b) => needsPerson.has(b.reason))) return [];
  const creds = await tx.sipCredential.findMany({ where: { accountId } });
  const rotated = (b: (typeof blocks)[number]) => {
    const named = [...new Set(b.calls.map((c) => c.sipUsername))];
    return (
      named.length > 0 &&
      named.every((n) => {
        const c = creds.find((x) => x.username === n);
        return c !== undefined && passwordChangedSince(c, b);
      }) &&
      // A suspect of another account cannot be (the recording joins on the account): not found is
      // not rotated, as for a name.
      b.suspects.every((x) => {
        const c = creds.find((y) => y.id === x.credentialId);
        return c !== undefined && passwordChangedSince(c, b);
      })
    );
  };
  if (!blocks.every(rotated)) return [];
  const res = await requestLift(tx, {
    accountId,
    blockIds: blocks.map((b) => b.id),
    actor: 'policy',
    // Stored as written and read back by lib/i18n/stored.ts (history.liftPolicy): kept word for word.
    reason: 'Every SIP password named in the block was changed',
    by: 'policy',
  });
  if (!res.ok) return [];
  // The lift is a security decision the audit log keeps, as support's is (lib/blocks/manual.ts): no
  // actor (nobody pressed it; the password change that completed the rotation has its own row), the
  // first block as target and the others lifted with it. Until 2026-12-07 only the timeline said so.
  await audit(
    {
      action: 'block.lift_requested',
      actor: null,
      accountId,
      target: { type: 'block', id: res.blockIds[0]! },
      detail: { by: 'policy', alsoLifted: res.blockIds.slice(1) },
    },
    tx,
  );
  return res.blockIds;
}
