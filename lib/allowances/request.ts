import 'server-only';
import { z } from 'zod';
import { memberOf } from '@/lib/accounts/queries';
import { audit } from '@/lib/audit/log';
import { consume } from '@/lib/server/rate-limit';
import type { CurrentUser } from '@/lib/auth/session';
import { db } from '@/lib/server/db';
import { lockAccount } from '@/lib/server/db/lock';
import type { RequestMeta } from '@/lib/server/request-meta';
import { countryName } from '@/lib/phone/format';
import { allowanceFields, countryProblem, OPEN_STATUSES } from './rules';

// A customer asks for a destination allowance from the block page (issue 16). Nothing reaches the
// switch here: support calls the account holder back and decides (lib/allowances/decide.ts).

export const requestAllowanceSchema = z.object({ blockId: z.string().min(1).max(64), ...allowanceFields });

export type AllowanceOutcome =
  | { ok: true; allowanceId: string }
  | { ok: false; message: string; fieldErrors?: Record<string, string[]> }
  | { ok: false; notFound: true };

/**
 * Records a request `{country, hours (1–72), reason}` for the block's account, scoped to the
 * caller's accounts (another id → notFound). Refused with a message, changing nothing, when the
 * block is not in force, the country is unknown or the account's own, or an allowance for that
 * country is already asked for or in force. Audited as `allowance.requested`.
 */
export async function requestAllowance(
  user: CurrentUser,
  input: z.output<typeof requestAllowanceSchema>,
  meta: RequestMeta,
): Promise<AllowanceOutcome> {
  const block = await db.block.findFirst({
    where: { id: input.blockId, account: memberOf(user.id) },
    include: { account: true },
  });
  if (!block) return { ok: false, notFound: true };
  if (block.status !== 'active')
    return { ok: false, message: 'This block is no longer in force, so no allowance is needed.' };
  const problem = countryProblem(input.country, block.account.country);
  if (problem)
    return {
      ok: false,
      message: 'Please correct the highlighted fields.',
      fieldErrors: { country: [problem] },
    };
  if ((await consume('unblockRequest', user.id)).rejected)
    return {
      ok: false,
      message:
        'You have sent several requests today. Please wait for support to call you, or contact them directly.',
    };
  return db.$transaction(async (tx): Promise<AllowanceOutcome> => {
    await lockAccount(tx, block.accountId);
    const open = await tx.destinationAllowance.findFirst({
      where: { accountId: block.accountId, country: input.country, status: { in: [...OPEN_STATUSES] } },
    });
    if (open)
      return {
        ok: false,
        message: `There is already an allowance for ${countryName(input.country)} on this account (${open.status === 'requested' ? 'waiting for support' : open.status === 'sending' ? 'waiting for the switch' : 'in force'}).`,
      };
    const a = await tx.destinationAllowance.create({
      data: {
        accountId: block.accountId,
        blockId: block.id,
        country: input.country,
        hours: input.hours,
        reason: input.reason,
        requestedById: user.id,
      },
    });
    await audit(
      {
        action: 'allowance.requested',
        actor: user,
        accountId: block.accountId,
        target: { type: 'destination_allowance', id: a.id },
        detail: { blockId: block.id, country: input.country, hours: input.hours, reason: input.reason },
        meta,
      },
      tx,
    );
    return { ok: true, allowanceId: a.id };
  });
}
