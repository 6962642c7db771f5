'use server';
import { redirectIfOk, userAction } from '@/lib/server/safe-action';
import { accountPageAction } from '@/lib/switch/send-soon';
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
  async (input, { user, meta }) =>
    redirectIfOk(await requestAllowance(user, input, meta), `/blocks/${input.blockId}?allowance=requested`),
  { echo: ['country', 'hours', 'reason', 'callbackPhone'] },
);

export const approveAllowanceAction = accountPageAction(approveAllowanceSchema, approveAllowance, [
  'attest',
  'note',
]);
export const denyAllowanceAction = accountPageAction(denyAllowanceSchema, denyAllowance, ['note']);
export const grantAllowanceAction = accountPageAction(grantAllowanceSchema, grantAllowance, [
  'country',
  'hours',
  'reason',
]);
export const endAllowanceAction = accountPageAction(endAllowanceSchema, endAllowanceEarly);
