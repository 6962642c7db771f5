import 'server-only';
import { z } from 'zod';
import type { AuditAction } from '@/lib/audit/names';
import { displayEmail } from '@/lib/auth/email-address';
import type { CurrentUser } from '@/lib/auth/session';
import { sharedNow } from '@/lib/server/clock';
import { db, type Tx } from '@/lib/server/db';
import { done, refuse, staffDecision, type Decision } from '@/lib/server/decide-once';
import { CLAIM_MINUTES, claimInForce, NO_CLAIM } from './claim-columns';

export { CLAIM_MINUTES } from './claim-columns';

// A soft claim on an unblock request: "I am calling this customer". In a fraud wave four agents
// opened the same oldest request and phoned the same customer; the second learned it only when their
// decision was refused. An agent now presses "Take this request" on the request page before calling
// (opening the page is no claim: agents open requests to read them, and a page view that wrote would
// also claim every request a link prefetch or a reload touched). The claim holds for CLAIM_MINUTES,
// then lapses by itself (an agent who went to lunch holds nothing); the holder can keep it longer or
// release it, and a decision, a withdrawal or a take-over ends it. It is soft: the queue and the
// request page show who holds it and since when, anyone can still open the request, take it over
// (seeing whose it is; audited), or decide it. Deciding keeps its own race-safe claim
// (lib/requests/decide.ts lostClaim): exactly one decision, whoever holds this one.

const CLAIM_MS = CLAIM_MINUTES * 60_000;

const TAKEN: AuditAction = 'request.taken';
const TAKEN_OVER: AuditAction = 'request.taken_over';
const RELEASED: AuditAction = 'request.released';

const requestId = z.string().min(1).max(64);

/**
 * "Take this request": `from` is the id of the agent the page showed holding it ('' when it showed
 * nobody): taking over is allowed only from the holder the agent saw.
 */
export const takeSchema = z.object({ requestId, from: z.string().max(64).optional().default('') });

/** "Release it": the holder gives the request back to the queue. */
export const releaseSchema = z.object({ requestId });

const load = (input: { requestId: string }) =>
  db.unblockRequest.findUnique({ where: { id: input.requestId }, select: { id: true, accountId: true } });

const readRow = (tx: Tx, id: string) =>
  tx.unblockRequest.findUniqueOrThrow({
    where: { id },
    select: {
      status: true,
      kind: true,
      blockId: true,
      claimedById: true,
      claimedAt: true,
      claimedUntil: true,
    },
  });

const emailOf = async (tx: Tx, id: string) =>
  displayEmail((await tx.user.findUnique({ where: { id }, select: { email: true } }))?.email ?? id);

/**
 * Why a take or a release found the request changed, read again: `outcome.claim.takenBy` naming who
 * holds it now (`by`, as displayEmail shows the address), `outcome.claim.notPending` when it is no
 * longer waiting, else `otherwise` (a take: it changed and is free again; a release: nobody holds it).
 */
async function changedMeanwhile(
  tx: Tx,
  id: string,
  user: CurrentUser,
  otherwise: 'outcome.claim.changed' | 'outcome.claim.notYours',
): Promise<Decision<never>> {
  const now = await readRow(tx, id);
  if (now.status !== 'pending') return refuse('conflict', 'outcome.claim.notPending');
  const holder = claimInForce(now, sharedNow());
  if (holder && holder.byId !== user.id)
    return refuse('conflict', 'outcome.claim.takenBy', { by: await emailOf(tx, holder.byId) });
  return refuse('conflict', otherwise);
}

/**
 * Takes a pending request for CLAIM_MINUTES from now, as `user` (staff; staffDecision: an agent
 * disabled meanwhile takes nothing). The claim is one conditional update of the columns as read, so of
 * two agents pressing at once exactly one holds it; the other is refused (conflict
 * `outcome.claim.takenBy`, naming the winner). Cases:
 * - nobody holds it (never taken, released, lapsed): taken, audited `request.taken`;
 * - the caller holds it: kept CLAIM_MINUTES from now, since the same start (`request.taken`, `renewed`);
 * - another agent holds it and `input.from` is that agent (the page showed them): taken over, audited
 *   `request.taken_over` with whose it was (`from`) and since and until when it was theirs;
 * - another agent holds it and `from` is not them (someone took it after the page was drawn): refused,
 *   `outcome.claim.takenBy`; the page then shows the holder and offers the take-over.
 * A request no longer pending is refused (`outcome.claim.notPending`). Success data: `until`.
 */
export const takeRequest = staffDecision(
  load,
  async (tx, r, input: z.output<typeof takeSchema>, user): Promise<Decision<{ until: Date }>> => {
    const now = sharedNow();
    const row = await readRow(tx, r.id);
    if (row.status !== 'pending') return refuse('conflict', 'outcome.claim.notPending');
    const holder = claimInForce(row, now);
    const other = holder && holder.byId !== user.id ? holder : null;
    if (other && other.byId !== input.from)
      return refuse('conflict', 'outcome.claim.takenBy', { by: await emailOf(tx, other.byId) });
    const until = new Date(now.getTime() + CLAIM_MS);
    const mine = holder && holder.byId === user.id ? holder : null;
    const won = await tx.unblockRequest.updateMany({
      // The columns as read: a take that committed meanwhile changed them, and this matches nothing.
      where: { id: r.id, status: 'pending', claimedById: row.claimedById, claimedUntil: row.claimedUntil },
      data: { claimedById: user.id, claimedAt: mine ? mine.since : now, claimedUntil: until },
    });
    if (won.count !== 1) return changedMeanwhile(tx, r.id, user, 'outcome.claim.changed');
    const target = { type: 'unblock_request', id: r.id };
    const base = { kind: row.kind, blockId: row.blockId, until: until.toISOString() };
    if (other) {
      const detail = {
        ...base,
        from: await emailOf(tx, other.byId),
        heldSince: other.since.toISOString(),
        heldUntil: other.until.toISOString(),
      };
      return done({ action: TAKEN_OVER, accountId: r.accountId, target, detail }, 'outcome.claim.takenOver', {
        until,
      });
    }
    const detail = mine ? { ...base, renewed: true } : base;
    return done(
      { action: TAKEN, accountId: r.accountId, target, detail },
      mine ? 'outcome.claim.renewed' : 'outcome.claim.taken',
      { until },
    );
  },
);

/**
 * Gives a request the caller holds back to the queue (its claim, in force or lapsed, is cleared),
 * audited `request.released`. Refused (conflict) when the caller no longer holds it: someone took it
 * over (`outcome.claim.takenBy`), it is no longer pending, or nobody holds it.
 */
export const releaseRequest = staffDecision(
  load,
  async (tx, r, _input: z.output<typeof releaseSchema>, user): Promise<Decision<undefined>> => {
    const row = await readRow(tx, r.id);
    const gone = await tx.unblockRequest.updateMany({
      where: { id: r.id, status: 'pending', claimedById: user.id },
      data: NO_CLAIM,
    });
    if (gone.count !== 1) return changedMeanwhile(tx, r.id, user, 'outcome.claim.notYours');
    const target = { type: 'unblock_request', id: r.id };
    const detail = { kind: row.kind, blockId: row.blockId };
    return done({ action: RELEASED, accountId: r.accountId, target, detail }, 'outcome.claim.released');
  },
);
