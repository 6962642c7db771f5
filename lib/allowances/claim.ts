import 'server-only';
import { db } from '@/lib/server/db';
import { requestClaims, type ClaimTable } from '@/lib/requests/claim';

// The soft claim on a destination-allowance request, as on an unblock request (lib/requests/claim.ts,
// whose frame this uses: same take, take-over, release, lapse and answers). In a fraud wave two agents
// phoned the same customer about the same allowance request: nothing said one was already calling.
// An agent takes the request on the account page before calling; the staff home's allowance list and
// the account page show who holds it. A decision (lib/allowances/decide.ts) or Tollgate closing the
// request (operations.ts closeWaitingRequests) clears it; deciding does not need it.

/** Allowance requests (DestinationAllowance, migration 0030): waiting while `requested`; audited `allowance.*`. */
const ALLOWANCE_REQUESTS: ClaimTable = {
  target: 'destination_allowance',
  actions: { taken: 'allowance.taken', takenOver: 'allowance.taken_over', released: 'allowance.released' },
  load: (id) => db.destinationAllowance.findUnique({ where: { id }, select: { id: true, accountId: true } }),
  read: async (tx, id) => {
    const a = await tx.destinationAllowance.findUniqueOrThrow({
      where: { id },
      select: {
        status: true,
        country: true,
        hours: true,
        blockId: true,
        claimedById: true,
        claimedAt: true,
        claimedUntil: true,
      },
    });
    const { status, country, hours, blockId, ...claim } = a;
    return { ...claim, waiting: status === 'requested', detail: { country, hours, blockId } };
  },
  write: async (tx, where, data) =>
    (await tx.destinationAllowance.updateMany({ where: { ...where, status: 'requested' }, data })).count,
};

const claims = requestClaims(ALLOWANCE_REQUESTS);

/**
 * "Take this request" on an allowance request (input takeSchema: `requestId` is the allowance's id,
 * `from` the holder the page showed): requestClaims `take`, audited `allowance.taken` (with `renewed`
 * when the holder keeps it longer) or `allowance.taken_over`. Outcome notes `outcome.claim.*`; the
 * id of anything but an allowance is not_found; throws for a caller who is not staff.
 */
export const takeAllowance = claims.take;

/** "Release it" on an allowance request the caller holds: requestClaims `release`, audited `allowance.released`. */
export const releaseAllowance = claims.release;
