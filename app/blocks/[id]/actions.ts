'use server';
import { redirect } from 'next/navigation';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { userAction } from '@/lib/actions/safe-action';
import { firewallSchema, misdialSchema, submitFirewall, submitMisdial, withdrawRequest } from '@/lib/requests/submit';

export const misdialAction = userAction(misdialSchema, async (input, { user, meta }) => {
  const r = await submitMisdial(user, input, meta);
  if ('notFound' in r) notFound();
  if (!r.ok) return { message: r.message, fieldErrors: r.fieldErrors };
  redirect(`/blocks/${input.blockId}?request=submitted`);
}, { echo: ['callIds[]', 'intendedNumber', 'whatHappened', 'callbackPhone'] });

export const firewallAction = userAction(firewallSchema, async (input, { user, meta }) => {
  const r = await submitFirewall(user, input, meta);
  if ('notFound' in r) notFound();
  if (!r.ok) return { message: r.message, fieldErrors: r.fieldErrors };
  redirect(`/blocks/${input.blockId}?request=submitted`);
}, { echo: ['sipPorts', 'webAdmin', 'defaultPasswords', 'pbxIp', 'whatHappened', 'callbackPhone'] });

export const withdrawAction = userAction(z.object({ requestId: z.string().min(1).max(64), blockId: z.string().min(1).max(64) }), async (input, { user, meta }) => {
  const r = await withdrawRequest(user, input.requestId, meta);
  if (r === 'not_found') notFound();
  if (r === 'not_pending') return { message: 'This request was already decided or withdrawn.' };
  redirect(`/blocks/${input.blockId}`);
});
