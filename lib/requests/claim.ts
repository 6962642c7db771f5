import 'server-only';
import { z } from 'zod';
import type { AuditAction } from '@/lib/audit/names';
import { displayEmail } from '@/lib/auth/email-address';
import type { CurrentUser } from '@/lib/auth/session';
import { sharedNow } from '@/lib/server/clock';
import { db, type Tx } from '@/lib/server/db';
import { hiddenText, postedId } from '@/lib/server/form-issues';
import { done, refuse, staffDecision, type Decision } from '@/lib/server/decide-once';
import { CLAIM_MINUTES, claimInForce, NO_CLAIM, type ClaimColumns } from './claim-columns';

export { CLAIM_MINUTES } from './claim-columns';

// A soft claim on a customer's request: "I am calling this customer". In a fraud wave four agents
// opened the same oldest request and phoned the same customer; the second learned it only when their
// decision was refused. An agent now presses "Take this request" on the request page before calling
// (opening the page is no claim: agents open requests to read them, and a page view that wrote would
// also claim every request a link prefetch or a reload touched). The claim holds for CLAIM_MINUTES,
// then lapses by itself (an agent who went to lunch holds nothing); the holder can keep it longer or
// release it, and a decision, a withdrawal, Tollgate closing the request or a take-over ends it. It is
// soft: the queue and the request page show who holds it and since when, anyone can still open the
// request, take it over (seeing whose it is; audited), or decide it. Deciding keeps its own race-safe
// claim (lib/requests/decide.ts lostClaim, lib/allowances/decide.ts): exactly one decision, whoever
// holds this one.
//
// One frame (requestClaims) for every kind of request that has the claim columns (claim-columns.ts):
// unblock requests here (UNBLOCK_REQUESTS), destination-allowance requests in lib/allowances/claim.ts.
// Each kind says only how to read and write its own table (ClaimTable).

const CLAIM_MS = CLAIM_MINUTES * 60_000;

/**
 * "Take this request": `from` is the id of the agent the page showed holding it ('' when it showed
 * nobody): taking over is allowed only from the holder the agent saw. `requestId`: the id of the
 * request of the kind the action takes (an unblock or an allowance request).
 */
export const takeSchema = z.object({ requestId: postedId, from: hiddenText(64).optional().default('') });

/** "Release it": the holder gives the request back to the queue. */
export const releaseSchema = z.object({ requestId: postedId });

/** The conditions of a claim's conditional write, besides "still waiting": its id and the columns as read. */
export type ClaimWhere = { id: string; claimedById?: string | null; claimedUntil?: Date | null };

/**
 * One kind of request that can be taken: a table with the claim columns (ClaimColumns).
 * - `target`: the type its audit rows name (`unblock_request`, `destination_allowance`);
 * - `actions`: its audit actions for a take (and a renewal), a take-over and a release;
 * - `load(id)`: the request, outside the transaction (null: no such request of this kind → not_found);
 * - `read(tx, id)`: the request again, inside it: `waiting` (it still waits for a decision: `pending`,
 *   `requested`), its claim columns, and `detail`, what each of its claim's audit rows says of it;
 * - `write(tx, where, data)`: sets the claim columns to `data` only while the request still waits and
 *   `where` holds; the number of rows it changed (0 or 1).
 */
export type ClaimTable = {
  target: 'unblock_request' | 'destination_allowance';
  actions: { taken: AuditAction; takenOver: AuditAction; released: AuditAction };
  load: (id: string) => Promise<{ id: string; accountId: string } | null>;
  read: (tx: Tx, id: string) => Promise<ClaimColumns & { waiting: boolean; detail: Record<string, unknown> }>;
  write: (tx: Tx, where: ClaimWhere, data: ClaimColumns) => Promise<number>;
};

const emailOf = async (tx: Tx, id: string) =>
  displayEmail((await tx.user.findUnique({ where: { id }, select: { email: true } }))?.email ?? id);

/**
 * Why a take or a release found the request changed, read again: `outcome.claim.takenBy` naming who
 * holds it now (`by`, as displayEmail shows the address), `outcome.claim.notPending` when it is no
 * longer waiting, else `otherwise` (a take: it changed and is free again; a release: nobody holds it).
 */
async function changedMeanwhile(
  table: ClaimTable,
  tx: Tx,
  id: string,
  user: CurrentUser,
  otherwise: 'outcome.claim.changed' | 'outcome.claim.notYours',
): Promise<Decision<never>> {
  const now = await table.read(tx, id);
  if (!now.waiting) return refuse('conflict', 'outcome.claim.notPending');
  const holder = claimInForce(now, sharedNow());
  if (holder && holder.byId !== user.id)
    return refuse('conflict', 'outcome.claim.takenBy', { by: await emailOf(tx, holder.byId) });
  return refuse('conflict', otherwise);
}

/**
 * The take and the release of one kind of request (`table`), as staff domain functions
 * `(user, input, meta, receipt?) => Outcome` (staffDecision: the caller must be staff with a verified
 * second factor, else it throws; an unknown id is not_found; an agent disabled meanwhile takes
 * nothing, refused and audited access.denied). `receipt`: a form's receipt recorded in the same
 * transaction when the take is done (lib/server/decide-once.ts ReceiptToRecord: "Take next request"
 * records the request it took); "Take this request" gives none.
 *
 * `take` takes a waiting request for CLAIM_MINUTES from now, as `user`. The claim is one conditional
 * update of the columns as read, so of two agents pressing at once exactly one holds it; the other is
 * refused (conflict `outcome.claim.takenBy`, naming the winner). Cases:
 * - nobody holds it (never taken, released, lapsed): taken, audited `actions.taken`;
 * - the caller holds it: kept CLAIM_MINUTES from now, since the same start (`actions.taken`, `renewed`);
 * - another agent holds it and `input.from` is that agent (the page showed them): taken over, audited
 *   `actions.takenOver` with whose it was (`from`) and since and until when it was theirs;
 * - another agent holds it and `from` is not them (someone took it after the page was drawn): refused,
 *   `outcome.claim.takenBy`; the page then shows the holder and offers the take-over.
 * A request no longer waiting is refused (`outcome.claim.notPending`). Success data: `until`.
 *
 * `release` gives a request the caller holds back to the queue (its claim, in force or lapsed, is
 * cleared), audited `actions.released`. Refused (conflict) when the caller no longer holds it: someone
 * took it over (`outcome.claim.takenBy`), it is no longer waiting (`notPending`), or nobody holds it
 * (`notYours`).
 */
export function requestClaims(table: ClaimTable) {
  const load = (input: { requestId: string }) => table.load(input.requestId);
  const take = staffDecision(
    load,
    async (tx, r, input: z.output<typeof takeSchema>, user): Promise<Decision<{ until: Date }>> => {
      const now = sharedNow();
      const row = await table.read(tx, r.id);
      if (!row.waiting) return refuse('conflict', 'outcome.claim.notPending');
      const holder = claimInForce(row, now);
      const other = holder && holder.byId !== user.id ? holder : null;
      if (other && other.byId !== input.from)
        return refuse('conflict', 'outcome.claim.takenBy', { by: await emailOf(tx, other.byId) });
      const until = new Date(now.getTime() + CLAIM_MS);
      const mine = holder && holder.byId === user.id ? holder : null;
      const won = await table.write(
        tx,
        // The columns as read: a take that committed meanwhile changed them, and this matches nothing.
        { id: r.id, claimedById: row.claimedById, claimedUntil: row.claimedUntil },
        { claimedById: user.id, claimedAt: mine ? mine.since : now, claimedUntil: until },
      );
      if (won !== 1) return changedMeanwhile(table, tx, r.id, user, 'outcome.claim.changed');
      const target = { type: table.target, id: r.id };
      const base = { ...row.detail, until: until.toISOString() };
      if (other) {
        const detail = {
          ...base,
          from: await emailOf(tx, other.byId),
          heldSince: other.since.toISOString(),
          heldUntil: other.until.toISOString(),
        };
        const audit = { action: table.actions.takenOver, accountId: r.accountId, target, detail };
        return done(audit, 'outcome.claim.takenOver', { until });
      }
      const detail = mine ? { ...base, renewed: true } : base;
      return done(
        { action: table.actions.taken, accountId: r.accountId, target, detail },
        mine ? 'outcome.claim.renewed' : 'outcome.claim.taken',
        { until },
      );
    },
  );
  const release = staffDecision(
    load,
    async (tx, r, _input: z.output<typeof releaseSchema>, user): Promise<Decision<undefined>> => {
      const row = await table.read(tx, r.id);
      const gone = await table.write(tx, { id: r.id, claimedById: user.id }, NO_CLAIM);
      if (gone !== 1) return changedMeanwhile(table, tx, r.id, user, 'outcome.claim.notYours');
      const target = { type: table.target, id: r.id };
      return done(
        { action: table.actions.released, accountId: r.accountId, target, detail: row.detail },
        'outcome.claim.released',
      );
    },
  );
  return { take, release };
}

/** Unblock requests (UnblockRequest, migration 0025): waiting while `pending`; audited `request.*`. */
const UNBLOCK_REQUESTS: ClaimTable = {
  target: 'unblock_request',
  actions: { taken: 'request.taken', takenOver: 'request.taken_over', released: 'request.released' },
  load: (id) => db.unblockRequest.findUnique({ where: { id }, select: { id: true, accountId: true } }),
  read: async (tx, id) => {
    const r = await tx.unblockRequest.findUniqueOrThrow({
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
    const { status, kind, blockId, ...claim } = r;
    return { ...claim, waiting: status === 'pending', detail: { kind, blockId } };
  },
  write: async (tx, where, data) =>
    (await tx.unblockRequest.updateMany({ where: { ...where, status: 'pending' }, data })).count,
};

const unblockClaims = requestClaims(UNBLOCK_REQUESTS);

/** "Take this request" on an unblock request (requestClaims `take`; audited `request.taken`, `request.taken_over`). */
export const takeRequest = unblockClaims.take;

/** "Release it" on an unblock request (requestClaims `release`; audited `request.released`). */
export const releaseRequest = unblockClaims.release;
