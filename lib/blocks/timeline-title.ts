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

/**
 * The stored notes (lib/i18n/stored.ts keys) of a `notice_queued` entry that tell a customer
 * something no other entry of theirs does: the switch's details of the calls came after the block
 * notice was emailed, so the calls are on the page and not in that mail (lib/blocks/lifecycle.ts
 * writes it as a `notice_queued` entry).
 */
const CUSTOMER_NOTICE_NOTES: ReadonlySet<string> = new Set(['history.callsAfterNotice']);

/**
 * Whether the customer's timeline (components/block/timeline.tsx, audience `customer`) shows an entry
 * of `type` whose stored note has the catalogue key `noteKey` (readStored's; null for none or a
 * person's words). A `notice_queued` entry is the mail's plumbing: queued to so many recipients
 * (history.recipients), held for the switch's details of the calls (noticeHeld), released by them or
 * by a lift (noticeReleasedCalls, noticeReleasedLift), queued to a new member (noticeNewMember). What
 * a customer needs of it is said by the `notice_sent` entry that follows ("We emailed the block
 * notice to …", "without the calls"), once the mail server took it; a notice never sent is not an
 * email they got. So those are left out, but for the notes in CUSTOMER_NOTICE_NOTES. Every other
 * entry is shown. Staff read every entry. Pure.
 */
export function shownToCustomer(type: BlockEventType | 'suspect_found', noteKey: string | null): boolean {
  return type !== 'notice_queued' || (noteKey !== null && CUSTOMER_NOTICE_NOTES.has(noteKey));
}
