'use server';
import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import {
  approveRequest,
  approveSchema,
  type DecideOutcome,
  denyRequest,
  denySchema,
} from '@/lib/requests/decide';
import { releaseRequest, releaseSchema, takeRequest, takeSchema } from '@/lib/requests/claim';
import {
  firewallSchema,
  misdialSchema,
  submitFirewall,
  submitMisdial,
  withdrawRequest,
} from '@/lib/requests/submit';
import { redirectIfOk, staffAction, userAction } from '@/lib/server/safe-action';
import { sendSwitchOutboxSoon } from '@/lib/switch/send-soon';

// The server actions of unblock requests: the customer's (misdial, firewall, withdraw), staff
// decisions (approve, deny) and staff claims (take, release). Each binds one form to a function of
// this domain.

/** A customer's request went in: back to its block page, with the "request submitted" banner. */
const submitted = <R extends { ok: boolean }>(r: R, blockId: string) =>
  redirectIfOk(r, `/blocks/${blockId}?request=submitted`);

export const misdialAction = userAction(
  misdialSchema,
  async (input, { user, meta }) => submitted(await submitMisdial(user, input, meta), input.blockId),
  { echo: ['callIds[]', 'intendedNumber', 'whatHappened', 'callbackPhone'] },
);

export const firewallAction = userAction(
  firewallSchema,
  async (input, { user, meta }) => submitted(await submitFirewall(user, input, meta), input.blockId),
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

export const withdrawAction = userAction(
  z.object({ requestId: z.string().min(1).max(64) }),
  async (input, { user, meta }) => {
    const r = await withdrawRequest(user, input.requestId, meta);
    // Back to the request's own block, as the database has it: never an id the form posted.
    return redirectIfOk(r, r.ok ? `/blocks/${r.data!.blockId}?request=withdrawn` : '/');
  },
);

/**
 * On success, back to the request page with its banner (`closed`: an approval found the block already
 * lifted and closed the request); a refusal (or not_found → 404) goes to the wrapper. A conflict
 * (someone decided first, the customer withdrew, a lift closed the request or is on its way) also
 * refreshes the request page with the answer, so the agent who lost sees the request as it now is
 * (decided, by whom, when; no decision offered) under the refusal, without reloading.
 */
const decided = (r: DecideOutcome, id: string, done: 'approved' | 'denied') => {
  if (!r.ok && r.code === 'conflict') revalidatePath('/staff/requests/[id]', 'page');
  return redirectIfOk(
    r,
    `/staff/requests/${id}?done=${r.ok && r.note?.key === 'outcome.decision.alreadyLifted' ? 'closed' : done}`,
  );
};

export const approveAction = staffAction(
  approveSchema,
  async (input, { user, meta }) => {
    const r = await approveRequest(user, input, meta);
    // Send the queued lift now rather than on the worker's next tick.
    if (r.ok && r.data?.liftQueued) sendSwitchOutboxSoon();
    return decided(r, input.requestId, 'approved');
  },
  { echo: ['note', 'attest', 'alsoLift[]'] },
);

export const denyAction = staffAction(
  denySchema,
  async (input, { user, meta }) => decided(await denyRequest(user, input, meta), input.requestId, 'denied'),
  { echo: ['denyReason'] },
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
