import 'server-only';
import { displayEmail } from '@/lib/auth/email-address';
import { db } from '@/lib/server/db';
import { readSwitchError } from '@/lib/switch/error-text';

// A request back in the queue after an approval whose lift did not happen: the switch refused it
// (a 4xx, or a 200 whose body still showed the account blocked), or a new block cancelled it before
// it was sent. The lifecycle puts the request back to pending with its decision cleared
// (lib/blocks/lifecycle.ts reopenApprovals), so the row alone reads as a request nobody has touched;
// what happened is in two rows it writes beside it, read here:
// - the audit row `request.reopened` (target: the request), with `cause` (`lift_refused`,
//   `lift_cancelled`) and the switch's `error` as stored (lib/switch/error-text.ts reads it);
// - the block's timeline entry `request_approved`, by the agent who approved (their address), at
//   the approval. While a request waits it is the block's only open one (UnblockRequest.openKey), so
//   the block's latest approval since the request was sent is the one that came back.
// No column of its own (no migration): a reopen is rare, and these rows are exact.

/**
 * How the lift of a request that came back failed: `refused` (the switch said no: a 4xx with its
 * code), `notApplied` (the switch answered 200 with the account still blocked: `body_disagrees`),
 * `cancelled` (Tollgate withdrew it before the switch confirmed it: a new block, support's block).
 */
export type CameBackHow = 'refused' | 'notApplied' | 'cancelled';

/**
 * A pending request that came back after an approval: `id`, the `request.reopened` audit row's id
 * (the request page's watch tells a newer one from the one it showed); `at`, when it came back;
 * `how` (CameBackHow); `error`, the stored switch error (at most 200 characters; SwitchError words
 * it); `approvedBy`, the approving agent's address as displayEmail shows it, and `approvedAt`, both
 * null when the block's timeline has no approval since the request was sent (rows older than the
 * timeline's entries).
 */
export type CameBack = {
  id: string;
  at: Date;
  how: CameBackHow;
  error: string;
  approvedBy: string | null;
  approvedAt: Date | null;
};

/**
 * Rows written on another instance carry that instance's clock (ms): a reopen or an approval is
 * looked for from this long before the request was sent, so a clock behind by less never hides one.
 * The bound only keeps each read an index range; the rows are matched by request and block.
 */
const CLOCK_MARGIN_MS = 3600_000;

/**
 * For each of `requests` (pending unblock requests: `id`, `blockId`, `createdAt`) that came back after
 * an approval, its latest CameBack, by request id; the others are not in the map. Two reads however
 * many requests (a queue page's 25 included): the `request.reopened` audit rows of these requests (the
 * (action, at) index, from the oldest request's time), and only when one came back, the
 * `request_approved` timeline entries of those requests' blocks (the (blockId, at) index). The caller
 * authorizes (staff pages only: the request page, the queue).
 */
export async function cameBackOf(
  requests: readonly { id: string; blockId: string; createdAt: Date }[],
): Promise<Map<string, CameBack>> {
  const out = new Map<string, CameBack>();
  if (requests.length === 0) return out;
  const since = new Date(Math.min(...requests.map((r) => r.createdAt.getTime())) - CLOCK_MARGIN_MS);
  const reopened = await db.auditLog.findMany({
    where: {
      action: 'request.reopened',
      at: { gte: since },
      targetType: 'unblock_request',
      targetId: { in: requests.map((r) => r.id) },
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    select: { id: true, at: true, targetId: true, detail: true },
  });
  const latest = new Map<string, (typeof reopened)[number]>();
  for (const row of reopened) if (row.targetId && !latest.has(row.targetId)) latest.set(row.targetId, row);
  if (latest.size === 0) return out;
  const back = requests.filter((r) => latest.has(r.id));
  const approvals = await db.blockEvent.findMany({
    where: {
      blockId: { in: back.map((r) => r.blockId) },
      type: 'request_approved',
      at: { gte: new Date(Math.min(...back.map((r) => r.createdAt.getTime())) - CLOCK_MARGIN_MS) },
    },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    select: { blockId: true, at: true, actor: true },
  });
  for (const r of back) {
    const row = latest.get(r.id)!;
    const { cause, error } = readDetail(row.detail);
    const approval = approvals.find(
      (a) => a.blockId === r.blockId && a.at.getTime() >= r.createdAt.getTime() - CLOCK_MARGIN_MS,
    );
    out.set(r.id, {
      id: row.id,
      at: row.at,
      how:
        cause === 'lift_cancelled'
          ? 'cancelled'
          : readSwitchError(error).kind === 'disagrees'
            ? 'notApplied'
            : 'refused',
      error,
      approvedBy: approval?.actor ? displayEmail(approval.actor) : null,
      approvedAt: approval?.at ?? null,
    });
  }
  return out;
}

/** The `cause` and `error` of a `request.reopened` row's detail (JSON); empty text for what it lacks. */
function readDetail(detail: string | null): { cause: string; error: string } {
  try {
    const d = JSON.parse(detail ?? '{}') as { cause?: unknown; error?: unknown };
    return {
      cause: typeof d.cause === 'string' ? d.cause : '',
      error: typeof d.error === 'string' ? d.error : '',
    };
  } catch {
    return { cause: '', error: '' };
  }
}
