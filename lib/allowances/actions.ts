'use server';
import { revalidatePath } from 'next/cache';
import { notFound, redirect } from 'next/navigation';
import { after } from 'next/server';
import { staffAction, userAction } from '@/lib/server/safe-action';
import { processSwitchOutbox } from '@/lib/switch/outbox';
import {
  approveAllowance,
  approveAllowanceSchema,
  denyAllowance,
  denyAllowanceSchema,
  endAllowanceEarly,
  endAllowanceSchema,
  grantAllowance,
  grantAllowanceSchema,
  type StaffAllowanceOutcome,
} from './decide';
import { requestAllowance, requestAllowanceSchema } from './request';

// Server actions for destination allowances (issue 16). Each goes through userAction (session,
// role, second factor, zod) and then the domain; the domain scopes every read to the caller.

export const requestAllowanceAction = userAction(
  requestAllowanceSchema,
  async (input, { user, meta }) => {
    const r = await requestAllowance(user, input, meta);
    if ('notFound' in r) notFound();
    if (!r.ok) return { message: r.message, fieldErrors: r.fieldErrors };
    redirect(`/blocks/${input.blockId}?allowance=requested`);
  },
  { echo: ['country', 'hours', 'reason'] },
);

function answer(r: StaffAllowanceOutcome, done: string) {
  if ('notFound' in r) notFound();
  if (!r.ok) return { message: r.message, fieldErrors: r.fieldErrors };
  after(() => processSwitchOutbox().catch(() => undefined));
  revalidatePath('/staff/accounts/[number]', 'page');
  return { ok: true, message: done };
}

const SENT =
  'Sent to the switch. The allowance is in force once the switch confirms it; this page shows when.';

export const approveAllowanceAction = staffAction(
  approveAllowanceSchema,
  async (input, { user, meta }) => answer(await approveAllowance(user, input, meta), SENT),
  { echo: ['note'] },
);
export const denyAllowanceAction = staffAction(
  denyAllowanceSchema,
  async (input, { user, meta }) => answer(await denyAllowance(user, input, meta), 'Request denied.'),
  { echo: ['note'] },
);
export const grantAllowanceAction = staffAction(
  grantAllowanceSchema,
  async (input, { user, meta }) => answer(await grantAllowance(user, input, meta), SENT),
  { echo: ['country', 'hours', 'reason'] },
);
export const endAllowanceAction = staffAction(endAllowanceSchema, async (input, { user, meta }) =>
  answer(
    await endAllowanceEarly(user, input, meta),
    'Sent to the switch. The allowance ends once the switch confirms it.',
  ),
);
