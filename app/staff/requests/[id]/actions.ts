'use server';
import { notFound, redirect } from 'next/navigation';
import { after } from 'next/server';
import { userAction } from '@/lib/actions/safe-action';
import { STAFF } from '@/lib/staff/authz';
import { approveRequest, approveSchema, type DecideOutcome, denyRequest, denySchema } from '@/lib/staff/decide';
import { processSwitchOutbox } from '@/lib/switch/outbox';

function answer(r: DecideOutcome, id: string, done: 'approved' | 'denied') {
  if (r.ok) redirect(`/staff/requests/${id}?done=${done}`);
  if (r.kind === 'not_found') notFound();
  if (r.kind === 'already_decided') return { message: `This request was already decided by someone else (it is ${r.status} now). Nothing was changed. Reload the page to see the decision.` };
  return { message: r.message };
}

export const approveAction = userAction(approveSchema, async (input, { user, meta }) => {
  const r = await approveRequest(user, input, meta);
  // Send the queued lift now rather than on the worker's next tick.
  if (r.ok && r.liftQueued) after(() => processSwitchOutbox().catch(() => undefined));
  return answer(r, input.requestId, 'approved');
}, { roles: STAFF, echo: ['note', 'attest', 'alsoLift[]'] });

export const denyAction = userAction(denySchema, async (input, { user, meta }) => answer(await denyRequest(user, input, meta), input.requestId, 'denied'), { roles: STAFF, echo: ['denyReason'] });
