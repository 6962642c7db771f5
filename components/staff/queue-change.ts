/**
 * What changed in a queue since a page of it was read, as QueueWatch says it: `arrived` (with
 * `arrivedCapped` when more arrived than the count goes to: "more than 10,000"), `left` (null when it
 * cannot be counted), and `unclear` when the counts do not add up (a request stamped just before the
 * read and committed after it, or two instances' clocks apart): "the queue has changed".
 */
export type QueueChange = { arrived: number; arrivedCapped: boolean; left: number | null; unclear: boolean };

/**
 * From the queue as the page read it (`read`: how many waited, and whether that count passed its
 * cap) and as `/api/version/staff-queue` answers now (lib/requests/queue.ts queueChangesSince):
 * `arrived`, requests sent since, and `left`, those that stopped waiting since (decided, withdrawn
 * or closed: what waited then, plus what arrived, minus what waits now), null when a count passed
 * its cap and so cannot say, or when the sum comes out below zero (`unclear`: something changed that
 * the counts cannot name). Null when nothing changed.
 */
export function queueChange(
  read: { pending: number; capped: boolean },
  now: { pending: number; arrived: number; capped: boolean; arrivedCapped?: boolean },
): QueueChange | null {
  const raw = read.capped || now.capped ? null : read.pending + now.arrived - now.pending;
  const unclear = raw !== null && raw < 0;
  const left = raw === null || unclear ? null : raw;
  return now.arrived || left || unclear
    ? { arrived: now.arrived, arrivedCapped: now.arrivedCapped === true, left, unclear }
    : null;
}
