import type { BlockEventType } from '@/lib/generated/sqlite/enums';
import { shownPlacedAt } from './shown-placed-at';
import type { TimelineTitle } from './timeline-title';

// A block's timeline in the order it is shown, for the customer's block page (lib/blocks/queries.ts
// getBlockForUser, withLiveRead) and staff's request page (lib/requests/detail.ts) alike. Pure: reads
// nothing, and never changes the domain's order (lib/blocks/lifecycle.ts orders by the stored times).

/** What the order needs of a timeline entry: its kind, its heading and its time. */
export type OrderedEntry = { type: BlockEventType | 'suspect_found'; title: TimelineTitle; at: Date };

/**
 * Where an entry stands among entries shown at the same instant, in the order things happen to a
 * block: 0 its placement (a `placed` entry: fraud monitoring's, support's), 2 its notice mail
 * (`notice_queued`, `notice_sent`), 3 everything later (requests, password changes, lifts, a block
 * placed again by Tollgate, a suspect credential found). A `placed` entry of the switch that is not
 * the placement itself (the switch's event bringing the calls of a block the reconciler found first:
 * lib/blocks/lifecycle.ts attachToFound) is rank 0 too; shownTimeline puts it after the placement
 * (its `1`). Entries of one rank keep the order they are given in.
 */
export function causalRank(e: Pick<OrderedEntry, 'type' | 'title'>): 0 | 2 | 3 {
  if (e.type === 'placed' && e.title !== 'placed_again') return 0;
  if (e.type === 'notice_queued' || e.type === 'notice_sent') return 2;
  return 3;
}

/**
 * `entries` (each with its shown time) oldest first; entries shown at the same instant in causal
 * order (causalRank), and those of one rank in the order given (a stable sort). For adding entries to
 * a timeline shownTimeline already ordered (the live read's suspect entries: lib/blocks/queries.ts
 * withLiveRead): its order is kept. Returns a new array.
 */
export function inShownOrder<E extends Pick<OrderedEntry, 'type' | 'title' | 'at'>>(
  entries: readonly E[],
): E[] {
  return [...entries].sort((a, b) => a.at.getTime() - b.at.getTime() || causalRank(a) - causalRank(b));
}

const later = (a: Date, b: Date) => (a.getTime() < b.getTime() ? b : a);
const earlier = (a: Date, b: Date) => (a.getTime() < b.getTime() ? a : b);

/**
 * A block's timeline as it is shown: each entry at the time it is shown, the block's placement first,
 * its notice after it, everything in the order of the times shown, entries shown at the same instant
 * in causal order (placement < the switch's calls for it < notice mail < later: causalRank), then in
 * the order given. `entries` are the block's events at their stored times (oldest first, as read)
 * and any entries of the page's own (suspect credentials found, at their firstSeenAt); `block` its
 * `placedAt` (the switch's time for it) and `createdAt` (when the portal recorded it, its own clock).
 *
 * The time shown:
 * - the placement (a `placed` entry at the block's placedAt): shownPlacedAt, the earlier of the two
 *   (lib/blocks/shown-placed-at.ts): a switch whose clock runs fast dated a block "08:04" that the
 *   portal recorded at 08:00;
 * - another `placed` entry of the switch (its event with the calls, for a block the reconciler found
 *   first): the same placement on the switch's clock, bounded the same way (never after the portal
 *   recorded the block) and never before the placement shown;
 * - every other entry: its own time, never before the placement shown. The portal writes them on its
 *   own clock when or after it records the block: the notice row of a switch's block is written in
 *   the block's own statement with the process's clock while the block's createdAt is the database's
 *   (lib/server/clock.ts sharedNow), and a process a few milliseconds behind made "Block notice queued
 *   for email" read above "Block placed" in the same minute. The correction is that offset, no more.
 *
 * The trigger calls are not entries: they are listed apart (components/block/trigger-calls.tsx, the
 * block notice mail) at the times the switch recorded them, unmoved even when its clock ran fast.
 * They are the switch's own call records (CDRs): the times its operators, its logs and the carrier's
 * bill carry, that support quotes back to them, and that the block notice already emailed to the
 * customer listed; the portal knows the switch's lead only as a bound for this one block (placedAt
 * minus createdAt is the lead less the event's delivery time), so a moved call time would be one no
 * record carries. A block's "placed" time is moved because it is a claim about now ("blocked since"),
 * which must not lie in the future; a call's time is a record, quoted as recorded.
 *
 * Returns new entries (`at` the time shown); `entries` are not changed.
 */
export function shownTimeline<E extends OrderedEntry>(
  entries: readonly E[],
  block: { placedAt: Date; createdAt: Date },
): E[] {
  const placement = shownPlacedAt(block);
  const placedAt = block.placedAt.getTime();
  return entries
    .map((e, i) => {
      const isPlacement = e.type === 'placed' && e.at.getTime() === placedAt;
      const switchPlacement = e.type === 'placed' && e.title === 'placed';
      const at = isPlacement
        ? placement
        : later(placement, switchPlacement ? earlier(e.at, block.createdAt) : e.at);
      // Within rank 0, the placement before the switch's other `placed` entry (its calls).
      const rank = causalRank(e) + (causalRank(e) === 0 && !isPlacement ? 1 : 0);
      return { entry: at === e.at ? e : { ...e, at }, rank, i };
    })
    .sort((a, b) => a.entry.at.getTime() - b.entry.at.getTime() || a.rank - b.rank || a.i - b.i)
    .map((x) => x.entry);
}
