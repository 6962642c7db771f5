'use server';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import {
  approveRequest,
  approveSchema,
  type DecideOutcome,
  denyRequest,
  denySchema,
} from '@/lib/requests/decide';
import {
  firewallSchema,
  misdialSchema,
  submitFirewall,
  submitMisdial,
  withdrawRequest,
} from '@/lib/requests/submit';
import { staffAction, userAction } from '@/lib/server/safe-action';
import { sendSwitchOutboxSoon } from '@/lib/switch/send-soon';

// The server actions of unblock requests: the customer's (misdial, firewall, withdraw) and staff
// decisions (approve, deny). Each binds one form to a function of this domain.

export const misdialAction = userAction(
  misdialSchema,
  async (input, { user, meta }) => {
    const r = await submitMisdial(user, input, meta);
    if (!r.ok) return r;
    redirect(`/blocks/${input.blockId}?request=submitted`);
  },
  { echo: ['callIds[]', 'intendedNumber', 'whatHappened', 'callbackPhone'] },
);

export const firewallAction = userAction(
  firewallSchema,
  async (input, { user, meta }) => {
    const r = await submitFirewall(user, input, meta);
    if (!r.ok) return r;
    redirect(`/blocks/${input.blockId}?request=submitted`);
  },
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
  z.object({ requestId: z.string().min(1).max(64), blockId: z.string().min(1).max(64) }),
  async (input, { user, meta }) => {
    const r = await withdrawRequest(user, input.requestId, meta);
    if (!r.ok) return r;
    redirect(`/blocks/${input.blockId}`);
  },
);

/** On success, back to the request page with its banner; a refusal (or not_found → 404) goes to the wrapper. */
function decided(r: DecideOutcome, id: string, done: 'approved' | 'denied') {
  if (r.ok) redirect(`/staff/requests/${id}?done=${done}`);
  return r;
}

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
