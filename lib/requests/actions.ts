'use server';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import {
  approveRequest,
  approveSchema,
  type DecideOutcome,
  denyRequest,
  denySchema,
} from '@/lib/requests/decide';
import { releaseRequest, releaseSchema, takeRequest, takeSchema } from '@/lib/requests/claim';
import { QUEUE_KINDS, QUEUE_REASONS, queueFilterParams, readQueueFilter } from '@/lib/requests/queue-filter';
import { takeNextHref, takeNextRequest, takenBefore } from '@/lib/requests/take-next';
import { postedForm } from '@/lib/requests/fields';
import { submitFirewall, submitMisdial, withdrawRequest } from '@/lib/requests/submit';
import type { Receipt } from '@/lib/server/idempotency';
import { redirectIfOk, staffAction, userAction } from '@/lib/server/safe-action';
import { hiddenText, postedId } from '@/lib/server/form-issues';
import { sendSwitchOutboxSoon } from '@/lib/switch/send-soon';

// The server actions of unblock requests: the customer's (misdial, firewall, withdraw), staff
// decisions (approve, deny) and staff claims (take, release, take the next request). Each binds one
// form to a function of this domain.

/**
 * Whether a customer's request page (misdial, firewall, allowance) is drawn again after `r`, a
 * refusal of its form: on `conflict` (a request of the block, or an allowance for the country, already
 * waiting: sent from another tab) and on `refused` (the block is no longer in force: lifted
 * meanwhile), the refusals that mean the block moved on under the page, as the staff pages are on
 * `conflict` (lib/switch/send-soon.ts refreshesAccountPage). The page then shows what waits, or that
 * the block is lifted, and the form, closed, keeps the refusal in its live region
 * (components/block/block-step.tsx). Not for `invalid` (the customer's own fields, kept as typed) nor
 * `throttled` (nothing changed).
 */
const refreshesRequestPage = (r: { ok: boolean; code?: string }): boolean =>
  !r.ok && (r.code === 'conflict' || r.code === 'refused');

/**
 * A customer's request went in: back to its block page, with the "request submitted" banner; a
 * refusal that means the block moved on draws the form's page (`page`, its route) again first.
 */
const submitted = <R extends { ok: boolean; code?: string }>(r: R, blockId: string, page: string) => {
  if (refreshesRequestPage(r)) revalidatePath(page, 'page');
  return redirectIfOk(r, `/blocks/${blockId}?request=submitted`);
};

// The misdial and firewall forms: the wrapper checks the block's id only (postedForm); the domain
// checks every other field at once, with the rules that need the block (lib/requests/fields.ts), so
// a form is told all its problems on its first submission, not the block's rules once the rest pass.
export const misdialAction = userAction(
  postedForm,
  async (input, { user, meta }) =>
    submitted(await submitMisdial(user, input, meta), input.blockId, '/blocks/[id]/misdial'),
  { echo: ['callIds[]', 'intendedNumber', 'whatHappened', 'callbackPhone'] },
);

export const firewallAction = userAction(
  postedForm,
  async (input, { user, meta }) =>
    submitted(await submitFirewall(user, input, meta), input.blockId, '/blocks/[id]/firewall'),
  {
    echo: [
      'voicemailDisa',
      'callForwarding',
      'sipPorts',
      'webAdmin',
      'defaultPasswords',
      'pbxIp',
      'whatHappened',
      'callbackPhone',
    ],
  },
);

export const withdrawAction = userAction(z.object({ requestId: postedId }), async (input, { user, meta }) => {
  const r = await withdrawRequest(user, input.requestId, meta);
  // Back to the request's own block, as the database has it: never an id the form posted.
  return redirectIfOk(r, r.ok ? `/blocks/${r.data!.blockId}?request=withdrawn` : '/');
});

/**
 * The queue's filter the request page was opened with (`kind`, `reason`, `taken`), which its decision
 * forms post back in hidden fields (components/staff/decision-forms.tsx). Any text here: the queue's
 * own parser (readQueueFilter) keeps only its options, so nothing else a form carries reaches the
 * redirect. Hidden: longer than 40 characters is "not as the form sends it" (hiddenText), not a length
 * the agent could mend.
 */
const queueFilterFields = {
  kind: hiddenText(40).optional(),
  reason: hiddenText(40).optional(),
  taken: hiddenText(40).optional(),
};

/**
 * On success, back to the request page with its banner (`closed`: an approval found the block already
 * lifted and closed the request) and the queue's filter the page was opened with (`filter`, as posted:
 * read by readQueueFilter), so its "Next request" goes on within that filter; a refusal (or not_found
 * → 404) goes to the wrapper. A conflict (someone decided first, the customer withdrew, a lift closed
 * the request or is on its way) also refreshes the request page with the answer, so the agent who lost
 * sees the request as it now is (decided, by whom, when; no decision offered) under the refusal,
 * without reloading.
 */
const decided = (
  r: DecideOutcome,
  id: string,
  done: 'approved' | 'denied',
  filter: Partial<Record<keyof typeof queueFilterFields, string>>,
) => {
  if (!r.ok && r.code === 'conflict') revalidatePath('/staff/requests/[id]', 'page');
  const query = new URLSearchParams({
    done: r.ok && r.note?.key === 'outcome.decision.alreadyLifted' ? 'closed' : done,
    ...queueFilterParams(readQueueFilter(filter).filter),
  });
  return redirectIfOk(r, `/staff/requests/${id}?${query}`);
};

export const approveAction = staffAction(
  approveSchema.extend(queueFilterFields),
  async ({ kind, reason, taken, ...input }, { user, meta }) => {
    const r = await approveRequest(user, input, meta);
    // Send the queued lift now rather than on the worker's next tick.
    if (r.ok && r.data?.liftQueued) sendSwitchOutboxSoon();
    return decided(r, input.requestId, 'approved', { kind, reason, taken });
  },
  { echo: ['note', 'attest', 'attestCurrentMember', 'alsoLift[]'] },
);

export const denyAction = staffAction(
  denySchema.extend(queueFilterFields),
  async ({ kind, reason, taken, ...input }, { user, meta }) =>
    decided(await denyRequest(user, input, meta), input.requestId, 'denied', { kind, reason, taken }),
  // The callback choice is kept with the reason: a refusal of either does not make the agent choose again.
  { echo: ['denyReason', 'callback'] },
);

/**
 * "Take this request" (or keep it, or take it over) and "Release it" (lib/requests/claim.ts). Whatever
 * the answer, the request page is drawn again with who holds the request now (a refusal names who
 * took it meanwhile, and the page then offers the take-over); the answer stays in the form's live region.
 */
export const takeAction = staffAction(takeSchema, async (input, { user, meta }) => {
  const r = await takeRequest(user, input, meta);
  if (r.ok || r.code === 'conflict') revalidatePath('/staff/requests/[id]', 'page');
  return r;
});

export const releaseAction = staffAction(releaseSchema, async (input, { user, meta }) => {
  const r = await releaseRequest(user, input, meta);
  if (r.ok || r.code === 'conflict') revalidatePath('/staff/requests/[id]', 'page');
  return r;
});

/**
 * The answer to a resend of a "Take next request" form whose first submission took a request (its
 * receipt, under the form's key): that same request, opened where the first submission opened it
 * (takenBefore), with nothing taken again. Throws for a receipt that holds no such place, which the
 * wrapper answers as an unexpected failure ("may or may not"): nothing is taken then either.
 */
async function openTakenBefore(receipt: Receipt): Promise<never> {
  const opened = takenBefore(receipt);
  if (!opened) throw new Error('a take-next receipt without the place its request was opened');
  redirect(opened);
}

/**
 * "Take next request" (components/staff/next-request-link.tsx; lib/requests/take-next.ts): takes the
 * oldest waiting request nobody holds, of the queue's filter as the "Next request" link beside it
 * carries it (`kind`, `reason`: hidden fields, each one of the queue's options or absent; anything
 * else is refused as not what the page sends, and nothing is taken), then opens it where it is
 * decided with that filter in its address (takeNextHref), where the page shows it taken by the
 * caller. A POST, so a prefetch, a reload or a shared link never takes anything. When none is free,
 * the refusal (`staff.desk.noneFree`) stays in the form's live region, on the page it was pressed on.
 *
 * One request per render of the form (option `once`, `staff.takeNext`): a resend with the same key (a
 * double-click without JavaScript, a resend after a lost answer, both at the same instant included)
 * takes nothing and opens the request the first submission took (openTakenBefore), as the first
 * submission did. Keys are the caller's: another agent's key is no receipt of theirs. A form without
 * a key (a page rendered before the key) takes as before (`keyOptional`).
 */
export const takeNextAction = staffAction(
  z.object({ kind: z.enum(QUEUE_KINDS).optional(), reason: z.enum(QUEUE_REASONS).optional() }),
  async (filter, { user, meta, once }) => {
    const r = await takeNextRequest(user, filter, meta, once);
    return redirectIfOk(r, r.ok ? takeNextHref(r.data!, filter) : '');
  },
  { once: { action: 'staff.takeNext', replay: openTakenBefore, keyOptional: true } },
);
