/** What changed in a queue since a page of it was read, as QueueWatch says it. */
export type QueueChange = { arrived: number; left: number | null };

/**
 * From the queue as the page read it (`read`: how many waited, and whether that count passed its
 * cap) and as `/api/version/staff-queue` answers now (lib/requests/queue.ts queueChangesSince):
 * `arrived`, requests sent since, and `left`, those that stopped waiting since (decided, withdrawn
 * or closed: what waited then, plus what arrived, minus what waits now), null when a count passed
 * its cap and so cannot say. Null when nothing changed.
 */
export function queueChange(
  read: { pending: number; capped: boolean },
  now: { pending: number; arrived: number; capped: boolean },
): QueueChange | null {
  const left = read.capped || now.capped ? null : Math.max(0, read.pending + now.arrived - now.pending);
  return now.arrived || left ? { arrived: now.arrived, left } : null;
}
