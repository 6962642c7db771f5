import type { BlockEventType } from '@/lib/generated/sqlite/enums';

/**
 * The heading of a timeline entry: a key of the `timeline` messages. `suspect_found` heads no event:
 * the customer's timeline entry for a suspect credential (lib/blocks/queries.ts suspectEntries).
 */
export type TimelineTitle =
  BlockEventType | 'placed_manual' | 'placed_again' | 'reapply_requested' | 'lift_stopped' | 'suspect_found';

/**
 * The heading a block's timeline shows for a BlockEvent of `type` written by `actor` (as stored:
 * `switch`, `tollgate`, `policy`, a staff login…; null when none). The lifecycle writes two events
 * whose type alone says the opposite of what happened: Tollgate placing a block in force again on a
 * switch that allowed calls (lib/blocks/lifecycle.ts reapply) is a `lift_requested` by `tollgate`,
 * then a `placed` by `tollgate` once the switch confirms it; and a lift the switch refused, or one
 * cancelled by a newer block, is a `lift_requested` by `switch`. Those read as what they are, never
 * as "lift asked of the switch" or "placed by support".
 */
export function timelineTitle(type: BlockEventType, actor: string | null | undefined): TimelineTitle {
  if (type === 'placed') {
    if (!actor || actor === 'switch') return 'placed';
    return actor === 'tollgate' ? 'placed_again' : 'placed_manual';
  }
  if (type === 'lift_requested') {
    if (actor === 'tollgate') return 'reapply_requested';
    if (actor === 'switch') return 'lift_stopped';
  }
  return type;
}
