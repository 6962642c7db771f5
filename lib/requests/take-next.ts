import 'server-only';
import { assertStaff, type CurrentUser } from '@/lib/auth/session';
import { takeAllowance } from '@/lib/allowances/claim';
import { nextRequest, type NextRequest } from '@/lib/allowances/next';
import type { RequestMeta } from '@/lib/server/request-meta';
import { fail, succeed, type Outcome } from '@/lib/server/outcome';
import type { QueueFilter } from '@/lib/requests/queue-filter';
import { takeRequest } from './claim';

// "Take next request" (docs/staff-console.md, "Taking a request"). In a fraud wave three agents
// pressed "Next request" together and two landed on the same request: the link only opens (opening
// must not take: reads, reloads, shared links and prefetches would claim), so the second learned it
// only at "Take this request". The button looks up the oldest free request and takes it with the
// same take as "Take this request"; a take is one conditional update, so of two agents who found the
// same request one holds it and the other, refused, looks again and takes the next one.

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
 * Takes, for `user`, the oldest waiting request nobody holds on the desk `filter` describes (the
 * request "Next request" opens: lib/allowances/next.ts nextRequest, by `kind` and `reason`), with the
 * request's own take (lib/requests/claim.ts takeRequest, lib/allowances/claim.ts takeAllowance: a
 * CLAIM_MINUTES hold, audited `request.taken` or `allowance.taken`, never a take-over: `from` is '').
 * When another agent took it, or it was decided, between the lookup and the take (a conflict), looks
 * again and takes the next one, up to TAKE_NEXT_TRIES lookups.
 *
 * Success: `data` is the request taken (NextRequest: where to open it, nextRequestHref), `note` the
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
): Promise<Outcome<NextRequest>> {
  assertStaff(user);
  for (let tries = 0; tries < TAKE_NEXT_TRIES; tries++) {
    const next = await nextRequest(user, filter);
    if (!next) return fail('conflict', NONE_FREE);
    const take = next.kind === 'allowance' ? takeAllowance : takeRequest;
    const r = await take(user, { requestId: next.id, from: '' }, meta);
    if (r.ok) return succeed(next, r.note);
    // Taken (or decided, or gone) between the lookup and the take: on to the next one.
    if (r.code !== 'conflict' && r.code !== 'not_found') return r;
  }
  return fail('conflict', (await nextRequest(user, filter)) ? RACED : NONE_FREE);
}
