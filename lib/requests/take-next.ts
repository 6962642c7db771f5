import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { takeAllowance } from '@/lib/allowances/claim';
import { nextRequest, nextRequestHref, type NextRequest } from '@/lib/allowances/next';
import type { Once, Receipt } from '@/lib/server/idempotency';
import type { RequestMeta } from '@/lib/server/request-meta';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import { queueFilterParams, type QueueFilter } from '@/lib/requests/queue-filter';
import { takeRequest } from './claim';

// "Take next request" (docs/staff-console.md, "Taking a request"). In a fraud wave three agents
// pressed "Next request" together and two landed on the same request: the link only opens (opening
// must not take: reads, reloads, shared links and prefetches would claim), so the second learned it
// only at "Take this request". The button looks up the oldest free request and takes it with the
// same take as "Take this request"; a take is one conditional update, so of two agents who found the
// same request one holds it and the other, refused, looks again and takes the next one.
//
// One request per press (since 2026-12-07): without JavaScript a double-click sent the form twice,
// and each send took a request; the browser opened the second, and the first stayed held by the
// agent, unseen, for 20 minutes. A resend after a lost answer did the same. The form now carries an
// idempotency key per render (lib/server/idempotency.ts), the take's own transaction records the
// request it took under it (takeNextRequest's `once`), and a resend of the same render opens that
// request again (takenBefore) instead of taking another.

/** How many times the lookup and take are tried before the answer is "every waiting request is taken". */
export const TAKE_NEXT_TRIES = 5;

/** The note when none is left free: the words "Next request" says it with. */
const NONE_FREE = 'staff.desk.noneFree';
/**
 * The note when every try lost its race and the last lookup still found a free request: agents
 * pressing at once each aim at the oldest, one wins each round, so with more of them pressing
 * together than TAKE_NEXT_TRIES the last can lose every round while requests still wait (review,
 * 2026-12-07: "none is free" was then untrue).
 */
const RACED = 'staff.desk.takeNextRaced';

/**
 * Where "Take next request" opens `next`, the request it took on the desk `filter` describes: its
 * page, or its allowance card (nextRequestHref), with the filter's `kind` and `reason` in the address
 * (queueFilterParams), so the page's own "Next request" keeps to that desk. A path, e.g.
 * `/staff/requests/<id>?kind=misdial`.
 */
export function takeNextHref(next: NextRequest, filter: Pick<QueueFilter, 'kind' | 'reason'>): string {
  return nextRequestHref(next, new URLSearchParams(queueFilterParams(filter)).toString());
}

/**
 * Where the first submission of a "Take next request" form opened the request it took, read from its
 * receipt (`receipt`, found under the form's key: lib/server/idempotency.ts findReceipt): the path
 * takeNextHref gave then (the note's `opened`). A resend of that render opens the same request there,
 * whatever became of it since (released, lapsed, decided, taken over): its page shows that. null for
 * a receipt that does not hold such a path (not one takeNextRequest recorded).
 */
export function takenBefore(receipt: Pick<Receipt, 'note'>): string | null {
  const opened = receipt.note.values?.opened;
  return typeof opened === 'string' && opened.startsWith('/staff/') ? opened : null;
}

/**
 * Takes, for `user`, the oldest waiting request nobody holds on the desk `filter` describes (the
 * request "Next request" opens: lib/allowances/next.ts nextRequest, by `kind` and `reason`), with the
 * request's own take (lib/requests/claim.ts takeRequest, lib/allowances/claim.ts takeAllowance: a
 * CLAIM_MINUTES hold, audited `request.taken` or `allowance.taken`, never a take-over: `from` is '').
 * When another agent took it, or it was decided, between the lookup and the take (a conflict), looks
 * again and takes the next one, up to TAKE_NEXT_TRIES lookups.
 *
 * `once` (the form's idempotency key, ActionContext.once): the take's own transaction records, with
 * the take, a receipt under it: `ref` the request's id, note `outcome.claim.taken` with `opened`, the
 * path takeNextHref gives (read back by takenBefore). When the same render's other submission
 * recorded one first, that transaction fails on the receipt's unique key (P2002, thrown): nothing of
 * this submission's take commits, and the action answers from the receipt (lib/server/safe-action.ts).
 * Without `once`, nothing is recorded, as before.
 *
 * Success: `data` is the request taken (NextRequest: where to open it, takeNextHref), `note` the
 * take's (`outcome.claim.taken`). Refused `conflict` `staff.desk.noneFree` when none waits free, or
 * `staff.desk.takeNextRaced` when every try was taken from under the caller and requests still wait
 * free (press again); nothing changed. An agent disabled since the session
 * check is refused as the take refuses them (`refused`, audited access.denied). Throws (assertStaff)
 * for a caller who is not staff with a verified second factor.
 */
export async function takeNextRequest(
  user: CurrentUser | null,
  filter: Pick<QueueFilter, 'kind' | 'reason'>,
  meta: RequestMeta,
  once?: Once,
): Promise<Outcome<NextRequest>> {
  assertStaff(user);
  for (let tries = 0; tries < TAKE_NEXT_TRIES; tries++) {
    const next = await nextRequest(user, filter);
    if (!next) return fail('conflict', NONE_FREE);
    const take = next.kind === 'allowance' ? takeAllowance : takeRequest;
    const receipt = once && {
      once,
      note: { key: 'outcome.claim.taken', values: { opened: takeNextHref(next, filter) } },
      ref: next.id,
    };
    const r = await take(user, { requestId: next.id, from: '' }, meta, receipt);
    if (r.ok) return succeed(next, r.note);
    // Taken (or decided, or gone) between the lookup and the take: on to the next one.
    if (r.code !== 'conflict' && r.code !== 'not_found') return r;
  }
  return fail('conflict', (await nextRequest(user, filter)) ? RACED : NONE_FREE);
}
