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
import { checkCallbackNumber } from '@/lib/phone/callback';
import { accountCountry } from '@/lib/phone/plan';
import { localeOf } from '@/lib/i18n/locales';
import { fail, missing, succeed, type Outcome } from '@/lib/server/outcome';
import { allowanceFields, countryProblem, OPEN_STATUSES } from './rules';
import { latestBlockInForce } from './blocked';

// A customer asks for a destination allowance from the block page (issue 16). Nothing reaches the
// switch here: support calls the account holder back and decides (lib/allowances/decide.ts).

export const requestAllowanceSchema = z.object({
  blockId: z.string().min(1).max(64),
  ...allowanceFields,
  // The same field, rule and note as a misdial's (lib/requests/submit.ts).
  callbackPhone: z.string().trim().min(1, 'outcome.field.callbackPhone').max(40),
});

/** The new allowance's id, or why not (notes under outcome.allowance.*, field notes under outcome.field.allowance.*). */
export type AllowanceOutcome = Outcome<{ allowanceId: string }>;

/**
 * Records a request `{country, hours (1–72), reason, callbackPhone}` for the block's account, scoped
 * to the caller's accounts (another id → not_found). Refused with a note, changing nothing, when the
 * block is not in force, the country is unknown or the account's own, the callback number is one
 * support must not call (lib/phone/callback.ts, as for a misdial), or an allowance for that country
 * is already asked for or in force. Filed under the account's newest block in force (blocked.ts
 * latestBlockInForce), whichever block's page it was asked from. The callback number is stored in E.164. Audited as
 * `allowance.requested` (without the number).
 */
export async function requestAllowance(
  user: CurrentUser,
  input: z.output<typeof requestAllowanceSchema>,
  meta: RequestMeta,
): Promise<AllowanceOutcome> {
  const block = await db.block.findFirst({
    where: { id: input.blockId, account: memberOf(user.id) },
    include: { account: true, calls: { select: { to: true } } },
  });
  if (!block) return missing();
  if (block.status !== 'active') return fail('refused', 'outcome.allowance.blockNotActive');
  const locale = localeOf(user);
  const problem = countryProblem(input.country, block.account.country, locale);
  const callback = checkCallbackNumber(
    input.callbackPhone,
    accountCountry(block.account.country),
    block.calls.map((c) => c.to),
    locale,
  );
  const fieldErrors = {
    ...(problem ? { country: [problem] } : {}),
    ...(callback.ok ? {} : { callbackPhone: [callback.note] }),
  };
  if (problem || !callback.ok) return fail('invalid', 'outcome.correctFields', undefined, fieldErrors);
  if ((await consume('unblockRequest', user.id)).rejected)
    return fail('throttled', 'outcome.request.tooMany');
  return db.$transaction(async (tx): Promise<AllowanceOutcome> => {
    await lockAccount(tx, block.accountId);
    const open = await tx.destinationAllowance.findFirst({
      where: { accountId: block.accountId, country: input.country, status: { in: [...OPEN_STATUSES] } },
    });
    if (open)
      return fail('conflict', 'outcome.allowance.open', {
        country: countryName(input.country, locale),
        status: open.status,
      });
    // Asked from the page of an earlier block still in force beside a newer one, the request is filed
    // under the newest: filed under the earlier block, no agent could approve it (decide.ts), and the
    // customer would read "waiting for support to call you back" for a request nobody can grant.
    // None in force any more (a lift committed since the read above): nothing to make an exception
    // to; filed under the lifted block, it read "waiting for support" on an unblocked account.
    const blockId = await latestBlockInForce(tx, block.accountId);
    if (!blockId) return fail('refused', 'outcome.allowance.blockNotActive');
    const a = await tx.destinationAllowance.create({
      data: {
        accountId: block.accountId,
        blockId,
        country: input.country,
        hours: input.hours,
        reason: input.reason,
        callbackPhone: callback.stored,
        requestedById: user.id,
      },
    });
    await audit(
      {
        action: 'allowance.requested',
        actor: user,
        accountId: block.accountId,
        target: { type: 'destination_allowance', id: a.id },
        detail: { blockId, country: input.country, hours: input.hours, reason: input.reason },
        meta,
      },
      tx,
    );
    return succeed({ allowanceId: a.id });
  });
}
