'use server';
import { redirect } from 'next/navigation';
import { staffAction, userAction } from '@/lib/server/safe-action';
import { queuedFromAccountPage } from '@/lib/switch/send-soon';
import {
  approveAllowance,
  approveAllowanceSchema,
  denyAllowance,
  denyAllowanceSchema,
  endAllowanceEarly,
  endAllowanceSchema,
  grantAllowance,
  grantAllowanceSchema,
} from './decide';
import { requestAllowance, requestAllowanceSchema } from './request';

// Server actions for destination allowances (issue 16). Each goes through userAction (session,
// role, second factor, zod) and then the domain; the domain scopes every read to the caller.

export const requestAllowanceAction = userAction(
  requestAllowanceSchema,
  async (input, { user, meta }) => {
    const r = await requestAllowance(user, input, meta);
    if (!r.ok) return r;
    redirect(`/blocks/${input.blockId}?allowance=requested`);
  },
  { echo: ['country', 'hours', 'reason', 'callbackPhone'] },
);

export const approveAllowanceAction = staffAction(
  approveAllowanceSchema,
  async (input, { user, meta }) => queuedFromAccountPage(await approveAllowance(user, input, meta)),
  { echo: ['note'] },
);
export const denyAllowanceAction = staffAction(
  denyAllowanceSchema,
  async (input, { user, meta }) => queuedFromAccountPage(await denyAllowance(user, input, meta)),
  { echo: ['note'] },
);
export const grantAllowanceAction = staffAction(
  grantAllowanceSchema,
  async (input, { user, meta }) => queuedFromAccountPage(await grantAllowance(user, input, meta)),
  { echo: ['country', 'hours', 'reason'] },
);
export const endAllowanceAction = staffAction(endAllowanceSchema, async (input, { user, meta }) =>
  queuedFromAccountPage(await endAllowanceEarly(user, input, meta)),
);
