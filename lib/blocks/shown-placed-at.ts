/**
 * When a block is shown as placed ("Blocked since …", "Block placed …", a block's place in its
 * timeline and in lists of blocks): the earlier of `placedAt`, the switch's time for it (its
 * block.placed event's `occurredAt`), and `createdAt`, when the portal recorded it (its own clock).
 * A switch node whose clock runs fast reports a block up to 300 s ahead (the signature's tolerance,
 * docs/switch-api.md), and a customer read "Blocked since 10:04" at 10:00; the portal cannot have
 * recorded a block before it happened, so the earlier of the two is never in the future. Every read
 * that shows a placed time carries `createdAt` (required: a fallback to the time of rendering once
 * hid reads that did not, and moved with every render); the dashboard takes the same earlier time in
 * its query (lib/accounts/queries.ts `since`).
 *
 * A display rule only: the domain orders blocks and their events by `placedAt` itself
 * (lib/blocks/lifecycle.ts). Pure; returns one of the dates given, never a new instant.
 */
export function shownPlacedAt(block: { placedAt: Date; createdAt: Date }): Date {
  return block.createdAt.getTime() < block.placedAt.getTime() ? block.createdAt : block.placedAt;
}
