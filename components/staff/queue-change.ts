import type { QueueChanges } from '@/lib/requests/queue';

/**
 * What changed in one kind of request (unblock, allowance) since a page of the queue was read:
 * `arrived` (with `arrivedCapped` when more arrived than the count goes to: "more than 10,000"),
 * `left`, those that stopped waiting (decided, withdrawn or closed; null when it cannot be counted),
 * and `unclear` when the counts do not add up (a request stamped just before the read and committed
 * after it, or two instances' clocks apart).
 */
export type KindChange = { arrived: number; arrivedCapped: boolean; left: number | null; unclear: boolean };

/**
 * What QueueWatch says changed: each kind the page lists, and the claims other agents made
 * (`taken`: requests another agent took or took over, and holds) or gave up (`released`), each with
 * its "more than" flag.
 */
export type QueueChange = {
  unblock: KindChange;
  allowance: KindChange;
  taken: number;
  takenCapped: boolean;
  released: number;
  releasedCapped: boolean;
};

/** What waited of each kind as the page read it (lib/requests/queue.ts waitingCounts). */
export type QueueRead = {
  unblock: { pending: number; capped: boolean };
  allowance: { pending: number; capped: boolean };
};

/**
 * One kind: from how many waited as read (`read`, and whether that count passed its cap) and the
 * counts now: `left` is what waited then, plus what arrived, minus what waits now; null when a count
 * passed its cap and so cannot say, or when the sum comes out below zero (`unclear`: something
 * changed that the counts cannot name, never a decision that did not happen).
 */
function kindChange(
  read: { pending: number; capped: boolean },
  now: { pending: number; arrived: number; capped: boolean; arrivedCapped?: boolean },
): KindChange {
  const raw = read.capped || now.capped ? null : read.pending + now.arrived - now.pending;
  const unclear = raw !== null && raw < 0;
  return {
    arrived: now.arrived,
    arrivedCapped: now.arrivedCapped === true,
    left: raw === null || unclear ? null : raw,
    unclear,
  };
}

/** True when `k` has something to say: an arrival, a request gone, or counts that do not add up. */
export const kindChanged = (k: KindChange) => k.arrived > 0 || !!k.left || k.unclear;

/**
 * From the queue as the page read it (`read`) and as `/api/version/staff-queue` answers now
 * (lib/requests/queue.ts queueChangesSince): what changed, or null when nothing did.
 */
export function queueChange(read: QueueRead, now: QueueChanges): QueueChange | null {
  const unblock = kindChange(read.unblock, now.unblock);
  const allowance = kindChange(read.allowance, now.allowance);
  return kindChanged(unblock) || kindChanged(allowance) || now.taken || now.released
    ? {
        unblock,
        allowance,
        taken: now.taken,
        takenCapped: now.takenCapped,
        released: now.released,
        releasedCapped: now.releasedCapped,
      }
    : null;
}

/** A translator of the `staff.queueWatch` messages (next-intl's `useTranslations('staff.queueWatch')`). */
type Say = (key: string, values: Record<string, string | number>) => string;

/**
 * The notice's sentence for `c`, in the language of `t`: "Since this list was shown: " and each change
 * that can be named, joined by semicolons ("1 new allowance request; 2 requests taken by other
 * agents"), or, when none can (the counts did not add up), "The queue has changed since this list was
 * shown."
 */
export function changeSentence(t: Say, c: QueueChange): string {
  const capped = (b: boolean) => (b ? 'yes' : 'no');
  const parts = [
    c.unblock.arrived
      ? t('arrivedUnblock', { count: c.unblock.arrived, capped: capped(c.unblock.arrivedCapped) })
      : null,
    c.allowance.arrived
      ? t('arrivedAllowance', { count: c.allowance.arrived, capped: capped(c.allowance.arrivedCapped) })
      : null,
    c.unblock.left ? t('leftUnblock', { count: c.unblock.left }) : null,
    c.allowance.left ? t('leftAllowance', { count: c.allowance.left }) : null,
    c.taken ? t('taken', { count: c.taken, capped: capped(c.takenCapped) }) : null,
    c.released ? t('released', { count: c.released, capped: capped(c.releasedCapped) }) : null,
  ].filter((p): p is string => p !== null);
  return parts.length ? t('since', { changes: parts.join('; ') }) : t('changed', {});
}
