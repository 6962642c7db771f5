import 'server-only';
import { revalidatePath } from 'next/cache';
import { after } from 'next/server';
import type { z } from 'zod';
import type { CurrentUser } from '@/lib/auth/session';
import type { Outcome } from '@/lib/server/outcome';
import type { RequestMeta } from '@/lib/server/request-meta';
import { staffAction } from '@/lib/server/safe-action';
import { processSwitchOutbox } from '@/lib/switch/outbox';

// For server actions that queued an operation for the switch (a lift, a block, an allowance): send it
// once the response is out, rather than on the worker's next tick. A failure stays queued for the
// worker (lib/server/workers.ts), so nothing is lost by ignoring it here. It starts no run of its
// own beside one going on (the worker's, another action's): processSwitchOutbox wakes that one, so
// however many customers act at once, this process has one outbox run, and nothing while the
// switch asked for quiet (lib/switch/quiet.ts).

/**
 * Sends the switch outbox after the response (next/server `after`), or wakes the run going on in
 * this process (lib/switch/outbox.ts processSwitchOutbox). Only inside a request.
 */
export function sendSwitchOutboxSoon(): void {
  after(() => processSwitchOutbox().catch(() => undefined));
}

/**
 * Whether the staff account page is drawn again after `r`, the answer of one of its forms: on success
 * (it shows the operation waiting for the switch), and on `conflict`, the code of every refusal that
 * means the account moved on under the page (another agent decided first, Tollgate closed the request,
 * the block was lifted or is being lifted, a block or change came meanwhile, the allowance ended:
 * lib/blocks/refusals.ts LIFT_REFUSAL_CODE, lib/blocks/manual.ts, lib/allowances/decide.ts), so the
 * agent sees the thing as it now is under the refusal instead of a form that can only be refused
 * again. Not for `invalid` (the agent's own fields, kept as typed) nor `refused` (the agent may no
 * longer decide: nothing on the page changed).
 */
export const refreshesAccountPage = (r: { ok: boolean; code?: string }): boolean =>
  r.ok || r.code === 'conflict';

/**
 * A staff decision from the account page that queued an operation: on `r.ok`, send it soon; then
 * draw the account page again when refreshesAccountPage says so. Returns `r` unchanged.
 */
export function queuedFromAccountPage<R extends { ok: boolean; code?: string }>(r: R): R {
  if (r.ok) sendSwitchOutboxSoon();
  if (refreshesAccountPage(r)) revalidatePath('/staff/accounts/[number]', 'page');
  return r;
}

/**
 * The server action of a staff form on the account page that queues a switch operation: staffAction
 * over `schema` (role, second factor, zod), then `decide(user, input, meta)`, then
 * queuedFromAccountPage. `echo`: the fields a refused form gets back.
 */
export function accountPageAction<S extends z.ZodType, T>(
  schema: S,
  decide: (user: CurrentUser, input: z.output<S>, meta: RequestMeta) => Promise<Outcome<T>>,
  echo: readonly string[] = [],
) {
  return staffAction(
    schema,
    async (input, { user, meta }) => queuedFromAccountPage(await decide(user, input, meta)),
    { echo },
  );
}
