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

/**
 * What a shown timeline entry is headed: its TimelineTitle, or `placed_calls` for the switch's own
 * event bringing the calls of a block the reconciler found first (lib/blocks/lifecycle.ts
 * attachToFound writes it as a second `placed` by `switch`), which read "Block placed by fraud
 * monitoring" a second time, as if there were two blocks.
 */
export type TimelineHeading = TimelineTitle | 'placed_calls';

/**
 * The heading of each of `entries`, a block's timeline in the order it is shown (lib/blocks/
 * timeline-order.ts shownTimeline: the placement first among entries shown at the same instant):
 * each entry's `title`, but for an entry titled `placed` (the switch's) after another titled
 * `placed`, which is not the block's placement but the switch's event with its calls
 * (`placed_calls`: "Details of the calls received" to a customer, "Calls of the block reported by
 * the switch" to staff). Pure; same length and order as `entries`.
 */
export function timelineHeadings(entries: readonly { title: TimelineTitle }[]): TimelineHeading[] {
  let placed = false;
  return entries.map(({ title }) => {
    if (title !== 'placed') return title;
    const heading = placed ? 'placed_calls' : 'placed';
    placed = true;
    return heading;
  });
}
