import type { BlockView } from '@/lib/blocks/queries';
import type { SuspectReason } from '@/lib/blocks/suspects';
import { readStored } from '@/lib/i18n/stored';

/** The block the reset page came from (`?block=`), as getBlockForUser reads it: what liftNews needs. */
export type LiftNewsBlock = Pick<
  BlockView,
  | 'status'
  | 'liftedAt'
  | 'liftRefused'
  | 'otherOpenBlockId'
  | 'otherOpenBlockCount'
  | 'blockOnItsWay'
  | 'events'
  | 'credentials'
>;

/** A credential whose password the withheld lift waits for, named as every page names it. */
export type WithheldCredential = { id: string; label: string; username: string };

/**
 * What the SIP password reset page says about the lift of the block it came from (components/sip/
 * lift-status.tsx, catalogue keys reset.lift.*):
 * - `none`: nothing to say (no lift asked for, or none that the page can vouch for);
 * - `onItsWay`: the lift is on its way to the switch (`lift_pending`), and the page follows it;
 * - `back`: the switch confirmed the lift (`lifted`, with its `liftedAt`) `at`, and no other block of
 *   the account is in force nor support's block on its way: international calling is back;
 * - `otherOpen`: lifted `at`, but `count` other blocks of the account are still in force, so calls
 *   abroad are still refused (block.alsoOpen on the block page);
 * - `blocking`: lifted `at`, but support's block on the account is on its way to the switch (which
 *   may already hold it: the block page's dashboard.blockingMayBe), followed like a lift;
 * - `refused`: the switch refused the latest lift (BlockView `liftRefused`): the block is in force again;
 * - `withheld`: Tollgate withdrew the rotation policy's lift before sending it, because the devices
 *   check found `credentials` (suspects not named by the calls, their passwords not changed since the
 *   block) registered from the calls' address (`how` `trigger_ip`), by a SIP scanning tool
 *   (`scanner`) or both (lib/blocks/lifecycle.ts withholdLiftForSuspects, history.liftWithheldSuspect).
 */
export type LiftNews =
  | { is: 'none' }
  | { is: 'onItsWay' }
  | { is: 'back' | 'otherOpen' | 'blocking'; at: Date; count: number }
  | { is: 'refused' }
  | { is: 'withheld'; credentials: WithheldCredential[]; how: SuspectReason | 'both' };

/**
 * LiftNews of `block`, from its state as stored (DESIGN.md: the portal never shows "done" for what
 * the switch did not confirm): calling is said to be back only for a block `lifted` with `liftedAt`
 * (the switch's `block.lifted` event, or its answer to the lift: lib/blocks/lifecycle.ts confirmLift),
 * and only when the account has no other block in force and no block of support's on its way, as the
 * block page's status lines say it (components/block/status-lines.tsx). A block in force says why its
 * latest lift did not happen, from its latest `lift_requested` timeline entry: the switch's refusal,
 * or the withheld lift's note while a suspect credential's password is still to change; else nothing.
 * A `lifted` block with no `liftedAt` (no confirmation) says nothing.
 */
export function liftNews(block: LiftNewsBlock): LiftNews {
  if (block.status === 'lift_pending') return { is: 'onItsWay' };
  if (block.status === 'lifted') {
    if (!block.liftedAt) return { is: 'none' };
    const count = block.otherOpenBlockCount;
    const is = block.otherOpenBlockId ? 'otherOpen' : block.blockOnItsWay ? 'blocking' : 'back';
    return { is, at: block.liftedAt, count };
  }
  if (block.liftRefused) return { is: 'refused' };
  const latest = block.events.findLast((e) => e.type === 'lift_requested');
  const note = readStored(latest?.detail);
  if (typeof note !== 'object' || note === null || note.key !== 'history.liftWithheldSuspect')
    return { is: 'none' };
  const held = block.credentials.filter((c) => c.suspected && !c.rotatedSinceBlock);
  if (!held.length) return { is: 'none' };
  const reasons = new Set(held.map((c) => c.suspected!.reason));
  return {
    is: 'withheld',
    credentials: held.map(({ id, label, username }) => ({ id, label, username })),
    how: reasons.size === 1 ? [...reasons][0]! : 'both',
  };
}

/**
 * Whether the reset page follows `news` (components/auto-refresh.tsx with the block page's `watch`):
 * while something is on its way to the switch, a lift (`onItsWay`) or support's block (`blocking`).
 */
export function followsLift(news: LiftNews): boolean {
  return news.is === 'onItsWay' || news.is === 'blocking';
}
