'use server';
import { revalidatePath } from 'next/cache';
import { redirectIfOk, staffAction, userAction } from '@/lib/server/safe-action';
import { releaseSchema, takeSchema } from '@/lib/requests/claim';
import { accountPageAction, refreshesAccountPage } from '@/lib/switch/send-soon';
import { releaseAllowance, takeAllowance } from './claim';
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
import { postedForm } from '@/lib/requests/fields';
import { requestAllowance } from './request';

// Server actions for destination allowances (issue 16). Each goes through userAction (session,
// role, second factor, zod) and then the domain; the domain scopes every read to the caller.

/**
 * The customer's allowance request: back to the block page with its banner. A refusal that means the
 * block moved on under the page, `conflict` (an allowance for the country already asked for, in
 * another tab) or `refused` (the block lifted meanwhile), draws the allowance page again, which then
 * shows it, the refusal kept in the form (components/block/block-step.tsx), as the misdial and
 * firewall forms do (lib/requests/actions.ts refreshesRequestPage). Not `invalid` nor `throttled`.
 */
export const requestAllowanceAction = userAction(
  // The block's id only: requestAllowance checks every other field at once, with the block's rules
  // (lib/requests/fields.ts), so the form is told all its problems on its first submission.
  postedForm,
  async (input, { user, meta }) => {
    const r = await requestAllowance(user, input, meta);
    if (!r.ok && (r.code === 'conflict' || r.code === 'refused'))
      revalidatePath('/blocks/[id]/allowance', 'page');
    return redirectIfOk(r, `/blocks/${input.blockId}?allowance=requested`);
  },
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

/**
 * "Take this request" (or keep it, or take it over) and "Release it" on an allowance request
 * (lib/allowances/claim.ts), from the staff account page. Whatever the answer but `invalid` or
 * `refused` (refreshesAccountPage), the account page is drawn again with who holds the request now (a
 * refusal names who took it meanwhile, and the page then offers the take-over); the answer stays in
 * the form's live region.
 */
export const takeAllowanceAction = staffAction(takeSchema, async (input, { user, meta }) => {
  const r = await takeAllowance(user, input, meta);
  if (refreshesAccountPage(r)) revalidatePath('/staff/accounts/[number]', 'page');
  return r;
});

export const releaseAllowanceAction = staffAction(releaseSchema, async (input, { user, meta }) => {
  const r = await releaseAllowance(user, input, meta);
  if (refreshesAccountPage(r)) revalidatePath('/staff/accounts/[number]', 'page');
  return r;
});
